// A fake /proc, /sys and libvirt run directory for the host reader (src/host/threads-reader.sh), and the reader run
// by sh against it: shared by the reader's unit tests.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach } from "vitest";
import { readerScript } from "../../src/host/script";

export const SCRIPT = readerScript(fs.readFileSync(path.resolve("src/host/devices-reader.sh"), "utf8"), fs.readFileSync(path.resolve("src/host/threads-reader.sh"), "utf8"));
export let root: string;

/** PF_KTHREAD and the flags of an ordinary process, as /proc/PID/stat shows them (field 9) */
const KTHREAD_FLAGS = 0x208040, PROCESS_FLAGS = 0x400100;

/** a thread's /proc/PID/task/TID/stat as the kernel prints it (fs/proc/array.c): 52 fields, the name in
 *  parentheses as it is (spaces and parentheses too), utime and stime fields 14 and 15, the last CPU field 39 */
export const statOf = (tid: number, comm: string, utime: number, stime: number, cpu: number) =>
    `${tid} (${comm}) S 1 1 1 0 -1 4194624 10 0 0 0 ${utime} ${stime} 0 0 20 0 4 0 1000 1000000 100 18446744073709551615 ` +
    `1 1 0 0 0 0 0 4096 0 0 0 0 17 ${cpu} 0 0 0 0 0 0 0 0 0 0 0 0 0\n`;

export function proc(pid: number, comm: string, cpus: string, opts: { cmdline?: string[]; threads?: [number, string, string][]; uid?: number; kthread?: boolean } = {}) {
    const dir = path.join(root, "proc", String(pid));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "comm"), comm + "\n");
    const uid = opts.uid ?? 64055; // Debian's libvirt-qemu user
    fs.writeFileSync(path.join(dir, "status"), `Name:\t${comm}\nPid:\t${pid}\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\nCpus_allowed:\tff\nCpus_allowed_list:\t${cpus}\n`);
    fs.writeFileSync(path.join(dir, "cmdline"), (opts.cmdline ?? []).map(a => a + "\0").join(""));
    const flags = opts.kthread ? KTHREAD_FLAGS : PROCESS_FLAGS;
    fs.writeFileSync(path.join(dir, "stat"), `${pid} (${comm}) S ${opts.kthread ? 2 : 1} 0 0 0 -1 ${flags} 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0\n`);
    for (const [tid, tcomm, tcpus] of opts.threads ?? []) {
        const t = path.join(dir, "task", String(tid));
        fs.mkdirSync(t, { recursive: true });
        fs.writeFileSync(path.join(t, "comm"), tcomm + "\n");
        fs.writeFileSync(path.join(t, "status"), `Name:\t${tcomm}\nCpus_allowed_list:\t${tcpus}\n`);
    }
}

export const ENV = () => ({ ...process.env, NUMA_PLACEMENT_PROC: path.join(root, "proc"), NUMA_PLACEMENT_SYS: path.join(root, "sys"), NUMA_PLACEMENT_SYSTEM_UIDS: "0 64055" });
// a reader that blocks fails the test instead of hanging it
export const read = (...options: string[]) => execFileSync("sh", ["-c", SCRIPT, "numa-placement-reader", ...options, path.join(root, "run")],
                                { env: ENV(), encoding: "utf8", timeout: 10000 });
export const readSession = (dir: string, uid: string) => execFileSync("sh", ["-c", SCRIPT, "numa-placement-reader", "-s", dir, "-u", uid],
                                { env: ENV(), encoding: "utf8", timeout: 10000 });

/** a fresh fake tree for each test of the calling file */
export function fakeProcEach(): void {
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "np-reader-"));
        fs.mkdirSync(path.join(root, "run"));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
}
