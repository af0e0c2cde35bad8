// The test's own view of the lab host: virsh and /proc, read directly (never through the page).
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export async function virsh(...args: string[]): Promise<string> {
    const { stdout } = await run("virsh", ["-q", "-c", "qemu:///system", ...args]);
    return stdout;
}

/** name -> state as virsh says it ("running", "shut off", ...) */
export async function guestStates(): Promise<Map<string, string>> {
    const names = (await virsh("list", "--all", "--name")).split("\n").map(s => s.trim()).filter(Boolean);
    const states = new Map<string, string>();
    for (const n of names) states.set(n, (await virsh("domstate", n)).trim());
    return states;
}

export async function busctl(...args: string[]): Promise<string> {
    const { stdout } = await run("busctl", ["--system", ...args]);
    return stdout;
}

export async function busOwnerPid(name: string): Promise<number | null> {
    try {
        const out = await busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                 "GetConnectionUnixProcessID", "s", name);
        return Number(out.trim().split(/\s+/)[1]);
    } catch {
        return null;
    }
}

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
        const v = await probe();
        if (v) return v;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await sleep(250);
    }
}

import { readFileSync, readdirSync } from "node:fs";

export interface ProcThread { tid: number; comm: string; cpus: string }

/** The guest's threads as /proc has them, read by the test itself. */
export function procThreads(guest: string): ProcThread[] {
    const pid = readFileSync(`/run/libvirt/qemu/${guest}.pid`, "utf8").trim();
    const out: ProcThread[] = [];
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
        try {
            const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").replace(/\n$/, "");
            const cpus = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8"))![1]!;
            out.push({ tid: Number(tid), comm, cpus });
        } catch { /* the thread ended */ }
    }
    return out.sort((a, b) => a.tid - b.tid);
}

import { spawn } from "node:child_process";

/** the cockpit-bridge processes of the cockpit-ws listening on PORT (and their superuser bridges), from /proc */
export function bridgePids(port: number): number[] {
    const procs = readdirSync("/proc").filter(d => /^\d+$/.test(d)).flatMap(d => {
        try {
            const stat = readFileSync(`/proc/${d}/stat`, "utf8");
            const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            return [{ pid: Number(d), ppid, comm, argv: readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0") }];
        } catch { return [] }
    });
    const ws = procs.filter(p => p.comm === "cockpit-ws" && p.argv.join(" ").includes(` -p ${port} `)).map(p => p.pid);
    const under = (root: number): number[] => procs.filter(p => p.ppid === root).flatMap(p => [p.pid, ...under(p.pid)]);
    return ws.flatMap(under).filter(pid => procs.find(p => p.pid === pid)?.comm === "cockpit-bridge");
}

/**
 * Counts the processes the bridges of PORT start while `during` runs, from outside the page: strace on every
 * thread of every bridge, counting the clones that make a process (not a thread).
 */
export async function bridgeSpawnsDuring(port: number, during: () => Promise<unknown>): Promise<number> {
    const tids = bridgePids(port).flatMap(pid => readdirSync(`/proc/${pid}/task`));
    if (!tids.length) throw new Error(`no cockpit-bridge under the cockpit-ws on port ${port}`);
    const tracer = spawn("strace", ["-qq", "-e", "trace=clone,clone3,fork,vfork", "-e", "signal=none", ...tids.flatMap(t => ["-p", t])],
                         { stdio: ["ignore", "ignore", "pipe"] });
    let out = "";
    tracer.stderr.on("data", (d: Buffer) => { out += d.toString() });
    await sleep(1000); // strace attaches
    try {
        await during();
    } finally {
        tracer.kill("SIGINT");
        await new Promise(resolve => tracer.once("exit", resolve));
    }
    return out.split("\n").filter(l => /\b(clone3?|v?fork)\(/.test(l) && !l.includes("CLONE_THREAD") && /= \d+$/.test(l)).length;
}
