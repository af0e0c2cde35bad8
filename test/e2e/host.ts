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
