// The host reader against a fake /proc and /sys: memory per node (numa_maps, memory cgroups), CPU time and last CPU,
// the nodes' allocation counters and huge pages.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { snapshotParse } from "../../src/model/threads";
import { fakeProcEach, proc, read, root, statOf } from "./fakeproc";

fakeProcEach();

/** a file of a node's directory in the fake /sys */
function nodeFile(node: string, file: string, text: string): void {
    fs.mkdirSync(path.join(root, "sys/devices/system/node", node), { recursive: true });
    fs.writeFileSync(path.join(root, "sys/devices/system/node", node, file), text);
}

describe("threads-reader.sh: memory, CPU time and /sys", () => {
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
        // a name with a newline splits its stat: the second line, made to look like a thread's, is not read
        proc(100, "qemu-system-x86", "0-7", { threads: [[104, "n\n104 (f", "0-7"]] });
        fs.writeFileSync(task(104), statOf(104, "n\n104 (f", 66, 6, 6));
        fs.writeFileSync(path.join(root, "proc", "uptime"), "22641.06 40000.00\n");
        fs.writeFileSync(path.join(root, "run", "web.pid"), "100");
        const snap = snapshotParse(read());
        expect(snap.problems).toEqual([]);
        expect(snap.clock?.uptime).toBe(22641.06);
        expect(snap.clock?.hz).toBeGreaterThan(0);
        expect(snap.guests.get("web")!.threads.map(t => [t.tid, t.comm, t.ticks, t.lastCpu])).toEqual([
            [100, "qemu-system-x86", 150, 5], [101, "CPU 0/KVM", 4250, 2], [102, "a) b (c) 9 9", 8, 3], [103, "odd", undefined, undefined],
            [104, "n", undefined, undefined],
        ]);
    });

    it("reads each node's allocation counters from numastat, and leaves out a node whose file is not the kernel's", () => {
        const node = (name: string, text: string) => nodeFile(name, "numastat", text);
        // as the kernel prints it (drivers/base/node.c numastat_show)
        node("node0", "numa_hit 155966376\nnuma_miss 12\nnuma_foreign 3\ninterleave_hit 1128\nlocal_node 155966376\nother_node 40\n");
        node("node3", "numa_hit 7\nnuma_miss 0\nnuma_foreign 0\ninterleave_hit 0\nlocal_node 7\nother_node 1\n");
        node("node1", "numa_hit x\nnuma_miss 0\nnuma_foreign 0\nother_node 0\n");
        node("node2", "numa_hit 5\n");
        const snap = snapshotParse(read());
        expect(snap.problems).toEqual([]);
        expect(snap.numastat).toEqual(new Map([[0, { hit: 155966376, miss: 12, foreign: 3, other: 40 }], [3, { hit: 7, miss: 0, foreign: 0, other: 1 }]]));
    });

    it("reads each node's free memory from its meminfo, and leaves out a node whose file gives none that is a count", () => {
        const meminfo = (name: string, text: string) => nodeFile(name, "meminfo", text);
        // as the kernel prints it (drivers/base/node.c node_read_meminfo; the first lines of this machine's node0)
        meminfo("node0", "Node 0 MemTotal:       24683748 kB\nNode 0 MemFree:        22754756 kB\nNode 0 MemUsed:         1928992 kB\n" +
                         "Node 0 SwapCached:            0 kB\nNode 0 Active:           123992 kB\n");
        // a memory-only node (CXL, HBM) has a meminfo like any other
        meminfo("node12", "Node 12 MemTotal:      67108864 kB\nNode 12 MemFree:       67100000 kB\n");
        meminfo("node1", "Node 1 MemTotal:       1000 kB\nNode 1 MemFree:        12$(reboot) kB\n");
        meminfo("node2", "Node 2 MemTotal:       1000 kB\n");
        meminfo("node3x", "Node 3 MemFree:        1 kB\n");
        const snap = snapshotParse(read());
        expect(snap.problems).toEqual([]);
        expect(snap.memoryFree).toEqual(new Map([[0, 22754756], [12, 67100000]]));
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
});
