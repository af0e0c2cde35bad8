import { describe, expect, it } from "vitest";
import { guestEffective } from "../../src/model/guest";
import { guestThreads, snapshotParse, threadDrifts, threadRole } from "../../src/model/threads";
import { snapshotMemoryCarry, snapshotMerge } from "../../src/model/snapshots";
import { guestOf, hostOf, snapshotOf } from "./fixtures";

const roles = (name: string, guest: string) =>
    guestThreads(snapshotOf(name), guest)!.map(t => [t.tid, t.comm, t.role]);

describe("snapshotParse and roles", () => {
    it("Linux 6.4+: the vhost worker is a thread of the QEMU process", () => {
        expect(roles("linux-6.4-vhost-inside", "rhel64")).toEqual([
            [4242, "qemu-system-x86", { kind: "emulator", main: true }],
            [4243, "qemu-system-x86", { kind: "emulator", main: false }],
            [4244, "IO mon_iothread", { kind: "monitor" }],
            [4245, "CPU 0/KVM", { kind: "vcpu", index: 0 }],
            [4246, "CPU 1/KVM", { kind: "vcpu", index: 1 }],
            [4247, "vhost-4242", { kind: "vhost", kernelThread: false }],
            [4249, "kvm-nx-lpage-re", { kind: "kernel-worker", follows: "vcpus" }],
        ]);
    });

    it("older kernels: vhost-PID and kvm-pit/PID kernel threads outside the process belong to that PID only", () => {
        const t = guestThreads(snapshotOf("legacy-vhost-kthread"), "rhel64")!;
        const outside = t.filter(x => x.tid >= 4248);
        expect(outside.map(x => [x.comm, x.role])).toEqual([
            ["vhost-4242", { kind: "vhost", kernelThread: true }],
            ["kvm-pit/4242", { kind: "kernel-worker", follows: "none" }],
        ]);
        expect(t.some(x => x.comm === "vhost-5000")).toBe(false);
    });

    it("a guest that vanished mid-read is skipped and reported, a bad line too, never fatal", () => {
        const snap = snapshotOf("vanished-mid-read");
        expect([...snap.guests.keys()]).toEqual(["alive"]);
        expect(snap.skipped).toEqual([
            { name: "gone-before-read", reason: "ended", connection: "system" },
            { name: "gone-during-read", reason: "ended-during-read", connection: "system" },
        ]);
        expect(snap.problems).toEqual([{ kind: "malformed", line: 7, record: "thread" }]);
        expect(guestThreads(snap, "alive")!.map(t => t.role.kind)).toEqual(["emulator", "vcpu"]);
        expect(guestThreads(snap, "gone-during-read")).toBeNull();
    });

    it("names with spaces and odd characters stay whole; the rest are emulator threads", () => {
        const snap = snapshotOf("odd-names");
        const name = '<b>web</b> "prod" & $(rm -rf /); `id`';
        expect([...snap.guests.keys()]).toEqual([name]);
        expect(roles("odd-names", name).map(([, comm, role]) => [comm, (role as { kind: string }).kind])).toEqual([
            ["qemu-system-x86", "emulator"], ["call_rcu", "emulator"], ["SPICE Worker", "emulator"], ["worker", "emulator"],
            ["CPU 0/KVM", "vcpu"], ["IO iothread1", "iothread"], ["IO drive0", "emulator"],
        ]);
        expect(snap.problems).toEqual([]);
    });

    it("C records put the guests and skips that follow in a connection; an unknown one is reported", () => {
        const snap = snapshotParse([
            "numa-placement-snapshot\t1",
            "G\t10\tweb", "T\t10\t0-3\tqemu-system-x86",
            "C\tsession", "G\t20\tweb", "T\t20\t1\tqemu-system-x86", "S\tended\tmine\tgone",
            "C\tsystem", "G\t30\tdb", "T\t30\t2\tqemu-system-x86",
            "C\tuser", "",
        ].join("\n"));
        expect([...snap.guests.keys()]).toEqual(["web", "db"]);
        expect([...snap.sessionGuests.keys()]).toEqual(["web"]);
        expect(guestThreads(snap, "web", "session")!.map(t => t.cpus)).toEqual([[1]]);
        expect(guestThreads(snap, "db", "session")).toBeNull();
        expect(snap.skipped).toEqual([{ name: "mine\tgone", reason: "ended", connection: "session" }]);
        expect(snap.problems).toEqual([{ kind: "malformed", line: 11, record: "connection" }]);
    });

    it("refuses output that is not a snapshot", () => {
        expect(snapshotParse("bash: python3: not found\n").problems).toEqual([{ kind: "not-a-snapshot" }]);
    });

    it("knows TCG vCPUs", () => {
        expect(threadRole("CPU 12/TCG", 1, 2)).toEqual({ kind: "vcpu", index: 12 });
    });
});

describe("drift", () => {
    const host = hostOf("article-4node");

    it("flags the vhost kernel thread that did not follow a live emulatorpin", () => {
        const live = guestOf("rhel64-live");
        live.emulatorpin = [1, 3, 5, 7, 9, 11];
        const eff = guestEffective(live, host);
        const t = guestThreads(snapshotOf("legacy-vhost-kthread"), "rhel64")!;
        expect(t.filter(x => threadDrifts(x, eff)).map(x => x.comm)).toEqual(["vhost-4242"]);
    });

    it("a multiqueue NIC on Linux 6.12: each vhost worker inside the process is one, and only the moved one drifts", () => {
        const wide = guestOf("rhel64-live"); // the emulator unpinned: vhost workers belong on every CPU
        const t = guestThreads(snapshotOf("linux-6.12-multiqueue"), "wide")!;
        expect(t.filter(x => x.role.kind === "vhost").map(x => [x.tid, x.role])).toEqual([
            [7930, { kind: "vhost", kernelThread: false }],
            [7931, { kind: "vhost", kernelThread: false }],
        ]);
        expect(t.filter(x => x.role.kind === "vhost" && threadDrifts(x, guestEffective(wide, host))).map(x => x.tid)).toEqual([7931]);
    });

    it("nothing drifts when every thread is where its configuration says", () => {
        const eff = guestEffective(guestOf("rhel64-live"), host);
        const t = guestThreads(snapshotOf("linux-6.4-vhost-inside"), "rhel64")!;
        expect(t.filter(x => threadDrifts(x, eff))).toEqual([]);
    });
});

describe("kernel workers", () => {
    const host = hostOf("article-4node");
    const eff = guestEffective(guestOf("rhel64-live"), host);
    const worker = (comm: string, cpus: number[]) => ({ tid: 9, comm, cpus, role: threadRole(comm, 9, 4242, true) });

    it("kvm-pit/PID is placed by no libvirt setting: never drift", () => {
        expect(threadDrifts(worker("kvm-pit/4242", [0, 1, 2, 3]), eff)).toBe(false);
    });

    it("kvm-nx-lpage-re must stay within the vCPUs' CPUs", () => {
        expect(threadDrifts(worker("kvm-nx-lpage-re", [3]), eff)).toBe(false);
        expect(threadDrifts(worker("kvm-nx-lpage-re", [3, 5]), eff)).toBe(true);
    });
});

describe("memory per node in the snapshot", () => {
    const text = (memory: string) => `numa-placement-snapshot\t1\nG\t100\tweb\nT\t100\t0-1\tqemu-system-x86\n${memory}`;

    it("M records belong to the guest before them; malformed ones are reported and left out", () => {
        const snap = snapshotParse(text("M\t0\t2048\nM\t3\t1024\nM\tx\t1\n"));
        expect(snap.guests.get("web")!.memory).toEqual(new Map([[0, 2048], [3, 1024]]));
        expect(snap.problems).toEqual([{ kind: "malformed", line: 6, record: "memory" }]);
    });

    it("H records give each node's huge pages by size, smallest first; malformed ones are reported and left out", () => {
        const snap = snapshotParse(text("H\t0\t1048576\t2\t1\nH\t0\t2048\t512\t500\nH\t1\t2048\tmany\t0\nH\t2\t2048\t4\n"));
        expect(snap.hugepages).toEqual(new Map([[0, [{ sizeKiB: 2048, total: 512, free: 500 }, { sizeKiB: 1048576, total: 2, free: 1 }]]]));
        expect(snap.problems).toEqual([{ kind: "malformed", line: 6, record: "hugepages" }, { kind: "malformed", line: 7, record: "hugepages" }]);
    });

    it("F records give each node's free memory in KiB; malformed ones are reported and left out", () => {
        const snap = snapshotParse(text("F\t0\t22754756\nF\t1\t-5\nF\t2\nF\t3\t1024\n"));
        expect(snap.memoryFree).toEqual(new Map([[0, 22754756], [3, 1024]]));
        expect(snap.problems).toEqual([{ kind: "malformed", line: 5, record: "memory-free" }, { kind: "malformed", line: 6, record: "memory-free" }]);
    });

    it("R records give the thread just before its CPU time and last CPU; U gives the clock; bad ones are reported", () => {
        const snap = snapshotParse([
            "numa-placement-snapshot\t1", "U\t100.50\t100",
            "G\t10\tweb", "T\t10\t0-3\tqemu-system-x86", "R\t42\t3", "T\t11\t1\tCPU 0/KVM", "R\t9000\t1",
            "K\t77\t0-3\tvhost-10", "R\t5\t0",
            "R\t1\t1", "T\t12\t1\tCPU 1/KVM", "R\tx\t1", "U\tsoon\t100",
        ].join("\n"));
        expect(snap.clock).toEqual({ uptime: 100.5, hz: 100 });
        expect(snap.guests.get("web")!.threads.map(t => [t.tid, t.ticks, t.lastCpu])).toEqual([[10, 42, 3], [11, 9000, 1], [12, undefined, undefined]]);
        expect(snap.kernelThreads[0]).toMatchObject({ tid: 77, ticks: 5, lastCpu: 0 });
        // an R after another R (no thread before it), a malformed R, a malformed U
        expect(snap.problems).toEqual([
            { kind: "malformed", line: 10, record: "run" }, { kind: "malformed", line: 12, record: "run" }, { kind: "malformed", line: 13, record: "clock" },
        ]);
    });

    it("a read without memory keeps the last one for the same process, not for a restarted guest", () => {
        const before = snapshotParse(text("M\t0\t2048\n"));
        expect(snapshotMemoryCarry(before, snapshotParse(text(""))).guests.get("web")!.memory).toEqual(new Map([[0, 2048]]));
        const restarted = snapshotParse(text("").replace(/100/g, "200"));
        expect(snapshotMemoryCarry(before, restarted).guests.get("web")!.memory).toBeUndefined();
    });

    it("the system's and the session's reads in one: the nodes' memory from the system's read, else the session's", () => {
        const session = snapshotParse("numa-placement-snapshot\t1\nC\tsession\nG\t300\tmine\nT\t300\t0-1\tqemu-system-x86\nF\t0\t500\nH\t0\t2048\t4\t4\n");
        const both = snapshotMerge(snapshotParse(text("F\t0\t900\n")), session);
        expect([...both.guests.keys(), ...both.sessionGuests.keys()]).toEqual(["web", "mine"]);
        expect(both.memoryFree).toEqual(new Map([[0, 900]]));
        // a system read that could not read the nodes (none printed): the session's read tells
        const alone = snapshotMerge(snapshotParse(text("")), session);
        expect(alone.memoryFree).toEqual(new Map([[0, 500]]));
        expect(alone.hugepages).toEqual(new Map([[0, [{ sizeKiB: 2048, total: 4, free: 4 }]]]));
    });
});
