// The command line the article's admin uses, timed: the audit (lscpu; virsh vcpupin and emulatorpin per guest;
// ps -T and taskset -pc for every thread of every running guest, vhost workers included), and "Align all" as a
// virsh loop or as one virsh session with the commands joined, each followed by the same verification as the
// page's: every emulator-group thread's CPUs from /proc, and virsh emulatorpin --config.
import fs from "node:fs";
import { benchName, run, SHUTOFF, virsh } from "./lib.mjs";

const pidOf = name => fs.readFileSync(`/run/libvirt/qemu/${name}.pid`, "utf8").trim();

/** the kernel threads named vhost-PID of a QEMU process (Linux before 6.4; later they are QEMU's own threads) */
function vhostWorkers(pid) {
    return fs.readdirSync("/proc").filter(d => /^\d+$/.test(d)).filter(d => {
        try { return fs.readFileSync(`/proc/${d}/comm`, "utf8").trim() === `vhost-${pid}` } catch { return false }
    });
}

export async function cliAudit() {
    const t0 = performance.now();
    await run("lscpu");
    const names = (await virsh("list", "--all", "--name")).split("\n").filter(Boolean);
    for (const name of names) {
        await virsh("vcpupin", name);
        await virsh("emulatorpin", name);
    }
    for (const name of (await virsh("list", "--name")).split("\n").filter(Boolean)) {
        const pid = pidOf(name);
        const ps = (await run("ps", ["-T", "-o", "spid=", "-p", pid])).stdout.split("\n").map(s => s.trim()).filter(Boolean);
        for (const tid of [...ps, ...vhostWorkers(pid)]) await run("taskset", ["-pc", tid]);
    }
    return performance.now() - t0;
}

/** the commands that align the bench guests' emulator threads onto CPU 1 (where their vCPUs are) */
function alignCommands(n) {
    const out = [];
    for (let i = 1; i <= n + SHUTOFF; i++) {
        const name = benchName(i);
        if (i <= n) out.push(["emulatorpin", name, "1", "--live"]);
        out.push(["emulatorpin", name, "1", "--config"]);
    }
    return out;
}

/** the same check as the page's: a running guest's emulator-group threads all on 1 (/proc), every saved pin 1 */
export async function alignVerified(n) {
    let ok = 0;
    for (let i = 1; i <= n + SHUTOFF; i++) {
        const name = benchName(i);
        let good = (await virsh("emulatorpin", name, "--config")).trim().split(/\s+/).pop() === "1";
        if (i <= n) {
            const pid = pidOf(name);
            for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
                const comm = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, "utf8").trim();
                if (/^CPU \d+\//.test(comm) || comm.startsWith("kvm-nx")) continue;
                const cpus = /^Cpus_allowed_list:\s*(\S+)$/m.exec(fs.readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8"))?.[1];
                if (cpus !== "1") good = false;
            }
        }
        if (good) ok++;
    }
    return { verified: ok, failed: n + SHUTOFF - ok };
}

/** one virsh per command, then the verification */
export async function cliAlignLoop(n) {
    const t0 = performance.now();
    for (const argv of alignCommands(n)) await virsh(...argv);
    const v = await alignVerified(n);
    return { ms: performance.now() - t0, ...v };
}

/** one virsh session reading every command from its input, then the verification */
export async function cliAlignSession(n) {
    const t0 = performance.now();
    const script = alignCommands(n).map(a => a.join(" ")).join("\n") + "\n";
    await new Promise((resolve, reject) => {
        const child = run("virsh", ["-q", "-c", "qemu:///system"], { maxBuffer: 16 << 20 });
        child.child.stdin.end(script);
        child.then(resolve, reject);
    });
    const v = await alignVerified(n);
    return { ms: performance.now() - t0, ...v };
}
