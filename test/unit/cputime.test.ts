// CPU time by thread and where threads ran (src/model/cputime.ts), on the article's host (test/fixtures/README.md):
// node 3 is CPUs 1,3,5,7,9,11 and node 0 CPUs 0,2,4,6,8,10.
import { describe, expect, it } from "vitest";
import { runShares, threadRuns } from "../../src/model/cputime";
import { snapshotParse } from "../../src/model/threads";
import { hostOf } from "./fixtures";

const host = hostOf("article-4node");

/** one read of rhel64 (QEMU pid 4242) at UPTIME seconds: [tid, comm, ticks, last CPU] per thread */
const read = (uptime: number, threads: [number, string, number, number][], pid = 4242, kernel: [number, string, number, number][] = []) => snapshotParse([
    "numa-placement-snapshot\t1", `U\t${uptime}\t100`, `G\t${pid}\trhel64`,
    ...threads.flatMap(([tid, comm, ticks, cpu]) => [`T\t${tid}\t0-23\t${comm}`, `R\t${ticks}\t${cpu}`]),
    ...kernel.flatMap(([tid, comm, ticks, cpu]) => [`K\t${tid}\t0-23\t${comm}`, `R\t${ticks}\t${cpu}`]),
].join("\n"));

describe("threadRuns", () => {
    it("CPU % is the growth of a thread's CPU time against the time between two reads", () => {
        const a = read(100, [[4242, "qemu-system-x86", 1000, 0], [4245, "CPU 0/KVM", 5000, 1]], 4242, [[88, "vhost-4242", 10, 2]]);
        const b = read(103, [[4242, "qemu-system-x86", 1003, 4], [4245, "CPU 0/KVM", 5300, 3], [4250, "CPU 1/KVM", 7, 5]], 4242, [[88, "vhost-4242", 160, 2]]);
        const runs = threadRuns(a, b, "rhel64", "system");
        expect(runs.get(4242)).toEqual({ percent: 1, lastCpu: 4 });
        // a vCPU busy all the time: one CPU's worth
        expect(runs.get(4245)).toEqual({ percent: 100, lastCpu: 3 });
        // new since the last read: no percentage yet
        expect(runs.get(4250)).toEqual({ percent: null, lastCpu: 5 });
        // a legacy vhost kernel thread outside the process counts too
        expect(runs.get(88)).toEqual({ percent: 50, lastCpu: 2 });
    });

    it("no percentage for a restarted guest (another process), a first read, a thread id reused by another thread, a clock that stood still", () => {
        const a = read(100, [[4242, "qemu-system-x86", 1000, 0], [4245, "CPU 0/KVM", 5000, 1]]);
        const restarted = read(103, [[4242, "qemu-system-x86", 1003, 0], [4245, "CPU 0/KVM", 5300, 1]], 9000);
        expect(threadRuns(a, restarted, "rhel64", "system").get(4245)!.percent).toBeNull();
        expect(threadRuns(null, a, "rhel64", "system").get(4245)!.percent).toBeNull();
        const reused = read(103, [[4242, "qemu-system-x86", 1003, 0], [4245, "IO iothread1", 5300, 1]]);
        expect(threadRuns(a, reused, "rhel64", "system").get(4245)!.percent).toBeNull();
        expect(threadRuns(a, read(100, [[4245, "CPU 0/KVM", 5300, 1]]), "rhel64", "system").get(4245)!.percent).toBeNull();
    });
});

describe("runShares", () => {
    it("for each group of threads, the share of samples on each node, largest first, over the reads of the current process", () => {
        const old = read(90, [[4245, "CPU 0/KVM", 1, 0]], 1111);
        const reads = [
            read(100, [[4242, "qemu-system-x86", 1, 0], [4245, "CPU 0/KVM", 1, 1], [4246, "CPU 1/KVM", 1, 3], [4247, "IO iothread1", 1, 12]]),
            read(103, [[4242, "qemu-system-x86", 1, 0], [4245, "CPU 0/KVM", 1, 1], [4246, "CPU 1/KVM", 1, 3], [4247, "IO iothread1", 1, 12]]),
            read(106, [[4242, "qemu-system-x86", 1, 5], [4245, "CPU 0/KVM", 1, 1], [4246, "CPU 1/KVM", 1, 0], [4247, "IO iothread1", 1, 12]]),
            read(109, [[4242, "qemu-system-x86", 1, 7], [4245, "CPU 0/KVM", 1, 1], [4246, "CPU 1/KVM", 1, 3], [4247, "IO iothread1", 1, 12]]),
        ];
        const shares = runShares([old, ...reads], "rhel64", "system", host);
        expect(shares.seconds).toBe(9);
        expect(shares.groups).toEqual([
            { group: "vcpus", samples: 8, byNode: [[3, 7 / 8], [0, 1 / 8]] },
            { group: "emulator", samples: 4, byNode: [[0, 0.5], [3, 0.5]] },
            { group: "iothreads", samples: 4, byNode: [[1, 1]] },
        ]);
    });

    it("nothing for a guest not running in the latest read, or reads without last CPUs", () => {
        expect(runShares([read(100, [[4245, "CPU 0/KVM", 1, 1]])], "other", "system", host)).toEqual({ groups: [], seconds: 0 });
        const bare = snapshotParse("numa-placement-snapshot\t1\nG\t4242\trhel64\nT\t4245\t0-23\tCPU 0/KVM\n");
        expect(runShares([bare], "rhel64", "system", host).groups).toEqual([]);
    });
});
