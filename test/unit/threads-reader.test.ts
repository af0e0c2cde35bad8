// The host reader script itself, run by sh against a fake /proc tree and run directory (src/host/threads-reader.sh).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { guestThreads, snapshotParse } from "../../src/model/threads";

const SCRIPT = fs.readFileSync(path.resolve("src/host/threads-reader.sh"), "utf8");
let root: string;

/** PF_KTHREAD and the flags of an ordinary process, as /proc/PID/stat shows them (field 9) */
const KTHREAD_FLAGS = 0x208040, PROCESS_FLAGS = 0x400100;

/** a thread's /proc/PID/task/TID/stat as the kernel prints it (fs/proc/array.c): 52 fields, the name in
 *  parentheses as it is (spaces and parentheses too), utime and stime fields 14 and 15, the last CPU field 39 */
const statOf = (tid: number, comm: string, utime: number, stime: number, cpu: number) =>
    `${tid} (${comm}) S 1 1 1 0 -1 4194624 10 0 0 0 ${utime} ${stime} 0 0 20 0 4 0 1000 1000000 100 18446744073709551615 ` +
    `1 1 0 0 0 0 0 4096 0 0 0 0 17 ${cpu} 0 0 0 0 0 0 0 0 0 0 0 0 0\n`;

function proc(pid: number, comm: string, cpus: string, opts: { cmdline?: string[]; threads?: [number, string, string][]; uid?: number; kthread?: boolean } = {}) {
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

const ENV = () => ({ ...process.env, NUMA_PLACEMENT_PROC: path.join(root, "proc"), NUMA_PLACEMENT_SYS: path.join(root, "sys"), NUMA_PLACEMENT_SYSTEM_UIDS: "0 64055" });
// a reader that blocks fails the test instead of hanging it
const read = (...options: string[]) => execFileSync("sh", ["-c", SCRIPT, "numa-placement-reader", ...options, path.join(root, "run")],
                                { env: ENV(), encoding: "utf8", timeout: 10000 });
const readSession = (dir: string, uid: string) => execFileSync("sh", ["-c", SCRIPT, "numa-placement-reader", "-s", dir, "-u", uid],
                                { env: ENV(), encoding: "utf8", timeout: 10000 });

beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "np-reader-"));
    fs.mkdirSync(path.join(root, "run"));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe("threads-reader.sh", () => {
    it("with -m, sums the guest's own memory in numa_maps per node: anonymous, huge pages, memfd; not files from disk", () => {
        proc(100, "qemu-system-x86", "0-7", { threads: [[100, "qemu-system-x86", "0-7"], [101, "CPU 0/KVM", "2"]] });
        // as the kernel prints it (mm/mempolicy.c show_numa_map): anonymous, file-backed with an escaped name
        // (space as \040, '=' as \075), and 2 MiB huge pages
        fs.writeFileSync(path.join(root, "proc", "100", "numa_maps"), [
            "7f0000000000 default anon=1000 dirty=1000 active=0 N0=600 N3=400 kernelpagesize_kB=4",
            "7f1000000000 bind:3 file=/var/lib/my\\040disk\\075N0\\075999.img mapped=10 N3=10 kernelpagesize_kB=4",
            "7f2000000000 default file=/dev/hugepages/libvirt/qemu/g huge dirty=32 N1=32 kernelpagesize_kB=2048",
            "7f3000000000 default stack anon=3 dirty=3 N0=3 kernelpagesize_kB=4",
            "7f4000000000 default file=/memfd:pc.ram\\040(deleted) dirty=100 N2=100 kernelpagesize_kB=4",
            "7f5000000000 default file=/usr/lib/x86_64-linux-gnu/libc.so.6 mapped=300 mapmax=40 N1=300 kernelpagesize_kB=4",
            "7f6000000000 default file=/tmp/x\\040anon\\0751\\040huge mapped=7 N0=7 kernelpagesize_kB=4",
            "",
        ].join("\n"));
        fs.writeFileSync(path.join(root, "run", "web.pid"), "100");
        const withMemory = snapshotParse(read("-m"));
        expect(withMemory.problems).toEqual([]);
        expect(withMemory.guests.get("web")!.memory).toEqual(new Map([[0, 2412], [3, 1600], [1, 65536], [2, 400]]));
        // without -m, no memory (and no awk)
        expect(snapshotParse(read()).guests.get("web")!.memory).toBeUndefined();
    });

    it("reads each thread's CPU time and last CPU from its stat, names with spaces and parentheses included", () => {
        proc(100, "qemu-system-x86", "0-7", { threads: [[100, "qemu-system-x86", "0-7"], [101, "CPU 0/KVM", "2"], [102, "a) b (c) 9 9", "0-7"], [103, "odd", "0-7"]] });
        const task = (tid: number) => path.join(root, "proc", "100", "task", String(tid), "stat");
        fs.writeFileSync(task(100), statOf(100, "qemu-system-x86", 120, 30, 5));
        fs.writeFileSync(task(101), statOf(101, "CPU 0/KVM", 4000, 250, 2));
        // a name made to look like fields: the ones that count come after the last ") "
        fs.writeFileSync(task(102), statOf(102, "a) b (c) 9 9", 7, 1, 3));
        // a stat cut short (or garbled) gives no R record, and the thread still counts
        fs.writeFileSync(task(103), "103 (odd) S 1 1\n");
        fs.writeFileSync(path.join(root, "proc", "uptime"), "22641.06 40000.00\n");
        fs.writeFileSync(path.join(root, "run", "web.pid"), "100");
        const snap = snapshotParse(read());
        expect(snap.problems).toEqual([]);
        expect(snap.clock?.uptime).toBe(22641.06);
        expect(snap.clock?.hz).toBeGreaterThan(0);
        expect(snap.guests.get("web")!.threads.map(t => [t.tid, t.comm, t.ticks, t.lastCpu])).toEqual([
            [100, "qemu-system-x86", 150, 5], [101, "CPU 0/KVM", 4250, 2], [102, "a) b (c) 9 9", 8, 3], [103, "odd", undefined, undefined],
        ]);
    });

    it("reads each node's allocation counters from numastat, and leaves out a node whose file is not the kernel's", () => {
        const node = (name: string, text: string) => {
            fs.mkdirSync(path.join(root, "sys/devices/system/node", name), { recursive: true });
            fs.writeFileSync(path.join(root, "sys/devices/system/node", name, "numastat"), text);
        };
        // as the kernel prints it (drivers/base/node.c numastat_show)
        node("node0", "numa_hit 155966376\nnuma_miss 12\nnuma_foreign 3\ninterleave_hit 1128\nlocal_node 155966376\nother_node 40\n");
        node("node3", "numa_hit 7\nnuma_miss 0\nnuma_foreign 0\ninterleave_hit 0\nlocal_node 7\nother_node 1\n");
        node("node1", "numa_hit x\nnuma_miss 0\nnuma_foreign 0\nother_node 0\n");
        node("node2", "numa_hit 5\n");
        const snap = snapshotParse(read());
        expect(snap.problems).toEqual([]);
        expect(snap.numastat).toEqual(new Map([[0, { hit: 155966376, miss: 12, foreign: 3, other: 40 }], [3, { hit: 7, miss: 0, foreign: 0, other: 1 }]]));
    });

    it("reads each node's huge pages of each size, reserved and free, and leaves out what is not a count", () => {
        const pages = (node: string, size: string, total: string, free: string) => {
            const dir = path.join(root, "sys/devices/system/node", node, "hugepages", `hugepages-${size}kB`);
            fs.mkdirSync(dir, { recursive: true });
            fs.writeFileSync(path.join(dir, "nr_hugepages"), total);
            fs.writeFileSync(path.join(dir, "free_hugepages"), free);
        };
        // as the kernel lays them out (mm/hugetlb.c: one directory per size under each node, a number per file)
        pages("node0", "2048", "512\n", "500\n");
        pages("node0", "1048576", "0\n", "0\n");
        pages("node3", "2048", "16\n", "16\n");
        pages("node1", "2048", "8; rm -rf /\n", "0\n");
        pages("node2", "2048x", "1\n", "1\n");
        const snap = snapshotParse(read());
        expect(snap.problems).toEqual([]);
        expect(snap.hugepages).toEqual(new Map([
            [0, [{ sizeKiB: 2048, total: 512, free: 500 }, { sizeKiB: 1048576, total: 0, free: 0 }]],
            [3, [{ sizeKiB: 2048, total: 16, free: 16 }]],
        ]));
    });

    describe("with -m, from the guest's memory cgroup where libvirt gave it one", () => {
        const guest = (cgroup: string) => {
            proc(100, "qemu-system-x86", "0-7", { threads: [[100, "qemu-system-x86", "0-7"], [101, "CPU 0/KVM", "2"]] });
            fs.writeFileSync(path.join(root, "proc", "100", "cgroup"), cgroup);
            fs.writeFileSync(path.join(root, "proc", "100", "numa_maps"), "7f0000000000 default anon=10 dirty=10 N0=10 kernelpagesize_kB=4\n");
            fs.writeFileSync(path.join(root, "run", "web.pid"), "100");
        };
        const stat = (dir: string, text: string) => {
            fs.mkdirSync(path.join(root, "sys/fs/cgroup", dir), { recursive: true });
            fs.writeFileSync(path.join(root, "sys/fs/cgroup", dir, "memory.numa_stat"), text);
        };
        const memory = (...o: string[]) => snapshotParse(read(...o)).guests.get("web")!.memory;
        // systemd's scope of a libvirt guest on cgroup v2 (Debian 12's NUMA lab): bytes, anonymous plus shared (memfd)
        const V2 = "0::/machine.slice/machine-qemu\\x2d1\\x2dweb.scope/libvirt/emulator\n";
        const V2_STAT = "anon N0=1048576 N3=4194304\nfile N0=9999999 N3=0\nshmem N0=0 N3=2097152\nanon_thp N0=0 N3=0\n";

        it("cgroup v2: anon and shmem of the machine scope's memory.numa_stat (it counts the scope's children)", () => {
            guest(V2);
            stat("machine.slice/machine-qemu\\x2d1\\x2dweb.scope", V2_STAT);
            expect(memory("-m")).toEqual(new Map([[0, 1024], [3, 6144]]));
            // -M: numa_maps, whatever the cgroup says
            expect(memory("-M")).toEqual(new Map([[0, 40]]));
        });

        it("cgroup v1 (libvirt without systemd, as on this machine): the memory controller's hierarchical_anon, in pages", () => {
            guest("9:name=systemd:/\n4:memory:/machine/qemu-1-web.libvirt-qemu\n0::/machine/qemu-1-web.libvirt-qemu/emulator\n");
            stat("memory/machine/qemu-1-web.libvirt-qemu", "total=30 N0=20 N1=10\nanon=25 N0=15 N1=10\nhierarchical_anon=25 N0=15 N1=10\n");
            const pageKib = Number(execFileSync("getconf", ["PAGESIZE"], { encoding: "utf8" })) / 1024;
            expect(memory("-m")).toEqual(new Map([[0, 15 * pageKib], [1, 10 * pageKib]]));
        });

        it("numa_maps instead for a cgroup that is not libvirt's machine scope, one without the file, and huge pages", () => {
            guest("0::/user.slice/user-1000.slice/session-2.scope\n");
            stat("user.slice/user-1000.slice/session-2.scope", V2_STAT);
            expect(memory("-m")).toEqual(new Map([[0, 40]]));
            guest(V2);
            expect(memory("-m")).toEqual(new Map([[0, 40]]));
            // huge pages in use (its status says so, as the kernel prints it): the cgroup does not count them
            guest(V2);
            stat("machine.slice/machine-qemu\\x2d1\\x2dweb.scope", V2_STAT);
            fs.appendFileSync(path.join(root, "proc", "100", "status"), "HugetlbPages:\t  262144 kB\n");
            expect(memory("-m")).toEqual(new Map([[0, 40]]));
            // none in use: the cgroup's count
            fs.writeFileSync(path.join(root, "proc", "100", "status"), "Name:\tqemu-system-x86\nHugetlbPages:\t       0 kB\nCpus_allowed_list:\t0-7\n");
            expect(memory("-m")).toEqual(new Map([[0, 1024], [3, 6144]]));
        });
    });

    it("with -m, a guest whose numa_maps cannot be read has no memory, and its threads still count", () => {
        proc(100, "qemu-system-x86", "0-7", { threads: [[100, "qemu-system-x86", "0-7"], [101, "CPU 0/KVM", "2"]] });
        fs.writeFileSync(path.join(root, "run", "web.pid"), "100");
        const snap = snapshotParse(read("-m"));
        expect(snap.guests.get("web")!.memory).toBeUndefined();
        expect(snap.guests.get("web")!.threads).toHaveLength(2);
    });

    it("reads guests from libvirt's pid files (no trailing newline), with every thread, and skips libvirtd's own", () => {
        proc(100, "qemu-system-x86", "0-7", { threads: [[100, "qemu-system-x86", "0-7"], [101, "CPU 0/KVM", "2"], [102, "SPICE Worker", "0-7"], [103, "vhost-100", "0-7"]] });
        proc(50, "libvirtd", "0-7");
        fs.writeFileSync(path.join(root, "run", "web 1.pid"), "100");
        fs.writeFileSync(path.join(root, "run", "driver.pid"), "50");
        const snap = snapshotParse(read());
        expect(snap.problems).toEqual([]);
        expect([...snap.guests.keys()]).toEqual(["web 1"]);
        expect(guestThreads(snap, "web 1")!.map(t => [t.tid, t.comm, t.cpus, t.role.kind])).toEqual([
            [100, "qemu-system-x86", [0, 1, 2, 3, 4, 5, 6, 7], "emulator"],
            [101, "CPU 0/KVM", [2], "vcpu"],
            [102, "SPICE Worker", [0, 1, 2, 3, 4, 5, 6, 7], "emulator"],
            [103, "vhost-100", [0, 1, 2, 3, 4, 5, 6, 7], "vhost"],
        ]);
    });

    it("finds a guest by its -name guest=NAME argument when libvirt's run directory cannot be read, undoubling commas", () => {
        proc(300, "qemu-kvm", "1", { cmdline: ["/usr/libexec/qemu-kvm", "-name", "guest=a,,b <c> $(x),debug-threads=on", "-S"], threads: [[300, "qemu-kvm", "1"]] });
        // with the run directory readable, a QEMU process without a pid file is no system guest
        expect(snapshotParse(read()).guests.size).toBe(0);
        fs.rmSync(path.join(root, "run"), { recursive: true });
        const snap = snapshotParse(read());
        expect([...snap.guests.keys()]).toEqual(["a,b <c> $(x)"]);
    });

    it("lists legacy vhost and kvm-pit kernel threads, and tells which guest they belong to", () => {
        proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"]] });
        proc(120, "vhost-100", "0-3", { kthread: true });
        proc(121, "kvm-pit/100", "0-3", { kthread: true });
        proc(130, "kworker/0:1", "0");
        fs.writeFileSync(path.join(root, "run", "g.pid"), "100\n");
        const snap = snapshotParse(read());
        expect(snap.kernelThreads.map(t => t.comm)).toEqual(["vhost-100", "kvm-pit/100"]);
        expect(guestThreads(snap, "g")!.map(t => t.role)).toEqual([
            { kind: "emulator", main: true }, { kind: "vhost", kernelThread: true }, { kind: "kernel-worker", follows: "none" },
        ]);
    });

    it("reports a guest whose process is gone and a pid file without a number, never failing", () => {
        fs.writeFileSync(path.join(root, "run", "gone.pid"), "4242");
        fs.writeFileSync(path.join(root, "run", "junk.pid"), "abc");
        const snap = snapshotParse(read());
        expect(snap.guests.size).toBe(0);
        expect(snap.skipped).toEqual([
            { name: "gone", reason: "ended", connection: "system" },
            { name: "junk", reason: "no-pid", connection: "system" },
        ]);
    });

    it("a thread that exits during the read is left out", () => {
        proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"], [101, "CPU 0/KVM", "1"]] });
        fs.rmSync(path.join(root, "proc", "100", "task", "101", "status"));
        fs.writeFileSync(path.join(root, "run", "g.pid"), "100");
        expect(snapshotParse(read()).guests.get("g")!.threads.map(t => t.tid)).toEqual([100]);
    });

    it("reads the user's qemu:///session guests from their run directory, apart from a system guest of the same name", () => {
        proc(100, "qemu-system-x86", "0-7", { threads: [[100, "qemu-system-x86", "0-7"], [101, "CPU 0/KVM", "2"]] });
        proc(200, "qemu-system-x86", "5", { uid: 1001, threads: [[200, "qemu-system-x86", "5"], [201, "CPU 0/KVM", "3"]] });
        fs.writeFileSync(path.join(root, "run", "web.pid"), "100");
        const sessionRun = path.join(root, "session-run");
        fs.mkdirSync(sessionRun);
        fs.writeFileSync(path.join(sessionRun, "web.pid"), "200\n");
        const snap = snapshotParse(read("-s", sessionRun, "-u", "1001"));
        expect(snap.problems).toEqual([]);
        expect([...snap.guests.keys()]).toEqual(["web"]);
        expect([...snap.sessionGuests.keys()]).toEqual(["web"]);
        expect(guestThreads(snap, "web", "system")!.map(t => t.cpus)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [2]]);
        expect(guestThreads(snap, "web", "session")!.map(t => [t.tid, t.cpus])).toEqual([[200, [5]], [201, [3]]]);
    });

    it("without pid files, tells session guests from system guests by the user that runs them", () => {
        proc(100, "qemu-system-x86", "1", { cmdline: ["qemu-system-x86_64", "-name", "guest=sys,debug-threads=on"], threads: [[100, "qemu-system-x86", "1"]] });
        proc(200, "qemu-system-x86", "0", { uid: 1001, cmdline: ["qemu-system-x86_64", "-name", "guest=mine,debug-threads=on"], threads: [[200, "qemu-system-x86", "0"]] });
        fs.rmSync(path.join(root, "run"), { recursive: true }); // as for a user who cannot read /run/libvirt/qemu
        const snap = snapshotParse(read("-s", path.join(root, "no-such-dir"), "-u", "1001"));
        expect([...snap.guests.keys()]).toEqual(["sys"]);
        expect([...snap.sessionGuests.keys()]).toEqual(["mine"]);
        // without -u, a user's QEMU process is still no system guest: only root's and libvirt's QEMU user's are
        const plain = snapshotParse(read());
        expect([...plain.guests.keys()]).toEqual(["sys"]);
        expect(plain.sessionGuests.size).toBe(0);
    });

    describe("trusts nothing a user can write", () => {
        const sessionRun = () => { const d = path.join(root, "session-run"); fs.mkdirSync(d, { recursive: true }); return d };

        it("a pid file named to forge records is skipped: no fake guest, no fake threads", () => {
            proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"]] });
            fs.writeFileSync(path.join(root, "run", "victim.pid"), "100");
            const forged = "x\nC\tsystem\nG\t1\tvictim\nT\t555\t0-7\tw";
            for (const dir of [path.join(root, "run"), sessionRun()])
                fs.writeFileSync(path.join(dir, forged + ".pid"), "1");
            const snap = snapshotParse(read("-s", path.join(root, "session-run"), "-u", "1001"));
            expect([...snap.guests.keys()]).toEqual(["victim"]);
            expect(snap.guests.get("victim")!.pid).toBe(100);
            expect(guestThreads(snap, "victim")!.map(t => t.tid)).toEqual([100]);
            expect(snap.sessionGuests.size).toBe(0);
            expect(snap.problems).toEqual([]);
        });

        it("a FIFO or a symlink among the pid files is not read (the reader does not block)", () => {
            proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"]] });
            fs.writeFileSync(path.join(root, "run", "real.pid"), "100");
            execFileSync("mkfifo", [path.join(root, "run", "hang.pid")]);
            fs.writeFileSync(path.join(root, "secret"), "100");
            fs.symlinkSync(path.join(root, "secret"), path.join(root, "run", "link.pid"));
            const snap = snapshotParse(read());
            expect([...snap.guests.keys()]).toEqual(["real"]);
            expect(snap.skipped).toEqual([]);
        });

        it("a user's process named vhost-PID is no kernel worker of that guest", () => {
            proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"]] });
            proc(140, "vhost-100", "0-3", { uid: 1001 });
            proc(141, "vhost-100", "1", { kthread: true });
            fs.writeFileSync(path.join(root, "run", "g.pid"), "100");
            const snap = snapshotParse(read());
            expect(snap.kernelThreads.map(t => t.tid)).toEqual([141]);
            expect(guestThreads(snap, "g")!.map(t => t.tid)).toEqual([100, 141]);
        });

        it("Linux 6.4 and later: vhost workers (multiqueue) are threads of the guest's own process", () => {
            proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"], [101, "CPU 0/KVM", "1"], [150, "vhost-100", "1"], [151, "vhost-100", "1"]] });
            fs.writeFileSync(path.join(root, "run", "g.pid"), "100");
            const snap = snapshotParse(read());
            expect(snap.kernelThreads).toEqual([]);
            expect(guestThreads(snap, "g")!.filter(t => t.role.kind === "vhost").map(t => [t.tid, t.role])).toEqual([
                [150, { kind: "vhost", kernelThread: false }], [151, { kind: "vhost", kernelThread: false }],
            ]);
        });

        it("a guest name with a tab or a backslash, and a thread name with a newline, stay whole and harmless", () => {
            proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"], [101, "x\nG\t1\tfake", "1"]] });
            fs.writeFileSync(path.join(root, "run", "tab\there \\ too.pid"), "100");
            fs.writeFileSync(path.join(root, "run", "gone\tgone.pid"), "4343");
            const snap = snapshotParse(read());
            expect([...snap.guests.keys()]).toEqual(["tab\there \\ too"]);
            expect(guestThreads(snap, "tab\there \\ too")!.map(t => t.comm)).toEqual(["qemu-system-x86", "x"]);
            expect(snap.skipped).toEqual([{ name: "gone\tgone", reason: "ended", connection: "system" }]);
        });

        it("a guest name with bytes that are not UTF-8 arrives whole, as the bridge decodes it (replacement characters)", () => {
            proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"]] });
            fs.writeFileSync(Buffer.concat([Buffer.from(path.join(root, "run") + "/caf"), Buffer.from([0xe9, 0xff]), Buffer.from(".pid")]), "100");
            const out = execFileSync("sh", ["-c", SCRIPT, "numa-placement-reader", path.join(root, "run")], { env: ENV(), timeout: 10000 });
            const snap = snapshotParse(new TextDecoder("utf-8").decode(out));
            expect(snap.problems).toEqual([]);
            expect([...snap.guests.keys()]).toEqual(["caf\ufffd\ufffd"]);
            expect(guestThreads(snap, "caf\ufffd\ufffd")!.map(t => t.tid)).toEqual([100]);
        });

        it("run with -s only (as the user), it reads the session and nothing of the system's", () => {
            proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"]] });
            proc(200, "qemu-system-x86", "5", { uid: 1001, threads: [[200, "qemu-system-x86", "5"]] });
            fs.writeFileSync(path.join(root, "run", "sys.pid"), "100");
            fs.writeFileSync(path.join(sessionRun(), "mine.pid"), "200");
            const snap = snapshotParse(readSession(path.join(root, "session-run"), "1001"));
            expect(snap.guests.size).toBe(0);
            expect([...snap.sessionGuests.keys()]).toEqual(["mine"]);
        });
    });
});
