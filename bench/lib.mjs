// make bench's shared pieces: virsh, the benchmark's guests, statistics, and the machine's other CPU load.
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

export const run = promisify(execFile);
export const virsh = (...a) => run("virsh", ["-q", "-c", "qemu:///system", ...a], { maxBuffer: 64 << 20 }).then(r => r.stdout);
export const log = (...a) => console.log("bench:", ...a);
export const sleep = ms => new Promise(r => setTimeout(r, ms));
export const SHUTOFF = 3;
/** a command's output, trimmed, or null when it fails (versions of the parts a run used) */
export const version = cmd => { try { return execFileSync(cmd[0], cmd.slice(1), { encoding: "utf8" }).trim() } catch { return null } };
/** what every bench/*.json says of its run: when, which commit, on what machine, with which guests' accelerator */
export const runInfo = () => ({
    date: new Date().toISOString(), commit: version(["git", "rev-parse", "HEAD"]), accel: GUEST_TYPE === "kvm" ? "kvm" : "tcg",
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, kernel: os.release() },
});
export const benchName = i => `bench-${String(i).padStart(2, "0")}`;
/** the domain type of every bench guest: KVM where this machine has /dev/kvm (it may lose it between two runs), else TCG ("qemu") */
export const GUEST_TYPE = fs.existsSync("/dev/kvm") ? "kvm" : "qemu";

/** median, interquartile range and every run, rounded to ms */
export function stats(xs) {
    const s = [...xs].sort((a, b) => a - b);
    const q = p => {
        if (!s.length) return NaN;
        const i = (s.length - 1) * p, lo = Math.floor(i), hi = Math.ceil(i);
        return s[lo] + (s[hi] - s[lo]) * (i - lo);
    };
    return { median: Math.round(q(0.5)), q1: Math.round(q(0.25)), q3: Math.round(q(0.75)), n: s.length, runs: xs.map(Math.round) };
}

/** A bench guest: 2 vCPUs pinned to CPU 1, its emulator on CPU 0 (misaligned under the vcpus policy: Align all
 *  fixes it), 64 MiB, disk-less. */
function guestXml(name) {
    return `<domain type='${GUEST_TYPE}'><name>${name}</name><memory unit='MiB'>64</memory><vcpu placement='static'>2</vcpu>
      <cputune><vcpupin vcpu='0' cpuset='1'/><vcpupin vcpu='1' cpuset='1'/><emulatorpin cpuset='0'/></cputune>
      <os><type arch='x86_64' machine='pc'>hvm</type><bios rebootTimeout='-1'/></os>
      <devices><serial type='pty'/><memballoon model='none'/></devices></domain>`;
}

/** n bench guests running and SHUTOFF more defined, shut off; the rest of the bench guests removed */
export async function guestsSet(n) {
    const want = new Set(Array.from({ length: n + SHUTOFF }, (_, i) => benchName(i + 1)));
    const have = (await virsh("list", "--all", "--name")).split("\n").filter(x => x.startsWith("bench-"));
    for (const g of have) if (!want.has(g)) { await virsh("destroy", g).catch(() => null); await virsh("undefine", g) }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
    for (let i = 1; i <= n + SHUTOFF; i++) {
        const name = benchName(i);
        if (!have.includes(name)) {
            fs.writeFileSync(path.join(dir, "g.xml"), guestXml(name));
            await virsh("define", path.join(dir, "g.xml"));
        }
        const state = (await virsh("domstate", name)).trim();
        if (i <= n && state !== "running") await virsh("start", name);
        if (i > n && state === "running") await virsh("destroy", name);
    }
    fs.rmSync(dir, { recursive: true, force: true });
}

/** every bench guest's emulator back on CPU 0 (live for the running ones, and saved) */
export async function guestsReset(n) {
    for (let i = 1; i <= n + SHUTOFF; i++) {
        const name = benchName(i);
        if (i <= n) await virsh("emulatorpin", name, "0", "--live");
        await virsh("emulatorpin", name, "0", "--config");
    }
}

export async function guestsRemove() {
    for (const g of (await virsh("list", "--all", "--name")).split("\n").filter(x => x.startsWith("bench-"))) {
        await virsh("destroy", g).catch(() => null);
        await virsh("undefine", g).catch(() => null);
    }
}

/** the guests virsh lists on qemu:///system: all of them, and how many run */
export async function guestCounts() {
    const all = (await virsh("list", "--all", "--name")).split("\n").filter(Boolean);
    const running = (await virsh("list", "--name")).split("\n").filter(Boolean);
    return { listed: all.length, running: running.length, bench: all.filter(g => g.startsWith("bench-")).length };
}

function cpuTimes() {
    const [, ...f] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
    const idle = f[3] + f[4];
    return { busy: f.reduce((a, b) => a + b, 0) - idle, total: f.reduce((a, b) => a + b, 0) };
}

/** the share of the machine's CPU time that was busy over ms milliseconds, 0..1 */
export async function cpuBusy(ms) {
    const a = cpuTimes();
    await sleep(ms);
    const b = cpuTimes();
    return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
}

/**
 * Waits until guests just started have settled: at least 10 s, then until two 3-second samples of the machine's
 * busy share differ by less than 3 points (booting guests keep it rising or falling), at most 3 minutes. Returns
 * the last sample (0..1, the idle guests' own load) and how long it took.
 */
export async function settle() {
    const t0 = Date.now();
    await sleep(10000);
    let prev = await cpuBusy(3000), load = await cpuBusy(3000);
    while (Math.abs(load - prev) >= 0.03 && Date.now() - t0 < 180000) { prev = load; load = await cpuBusy(3000) }
    return { load, seconds: Math.round((Date.now() - t0) / 1000) };
}

/**
 * Waits (up to 20 s) until the machine is quiet: less than `threshold` of its CPU busy over one second. Returns
 * the load measured last: a repetition that starts above the threshold is dropped (and counted) by the caller.
 */
export async function quiet(threshold) {
    let load = 1;
    for (let i = 0; i < 20 && (load = await cpuBusy(1000)) >= threshold; i++) { /* wait */ }
    return load;
}
