// make bench, memory part (issue 15), on the local lab (one node, KVM): what memory truth costs.
//  1. one 2 GiB guest, its memory allocated at start: reading its memory per node from /proc/PID/numa_maps (the
//     kernel walks the address space) against its memory cgroup's memory.numa_stat (counters the kernel keeps);
//  2. one read of the reader (src/host/threads-reader.sh) over BENCH_MEMORY_GUESTS (30) tiny running guests of
//     2 vCPUs started for it, plus the 2 GiB one and the lab's demo guests (all counted in runningGuests):
//     threads only, with memory from the cgroups (-m, what the page runs every fifth read), and with memory from
//     numa_maps (-M);
// each as the median of REPS runs after a discarded warm-up, wall time and CPU time (user + system, from
// /usr/bin/time). Prints one JSON line (bench/memory.json). Moving memory between nodes needs more than one node:
// bench/memory-move.mjs times it in the NUMA lab.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import { GUEST_TYPE, settle } from "./lib.mjs";

const REPS = Number(process.env.BENCH_MEMORY_REPS ?? 5);
const GUEST = "bench-memory";
const GUESTS = Number(process.env.BENCH_MEMORY_GUESTS ?? 30);
const tiny = i => `bench-mem-${String(i).padStart(2, "0")}`;
const virsh = (...a) => execFileSync("virsh", ["-q", "-c", "qemu:///system", ...a], { encoding: "utf8" });

/** the loop each run times: /usr/bin/time counts in hundredths of a second, a single read takes less */
const LOOP = Number(process.env.BENCH_MEMORY_LOOP ?? 20);

/** median over REPS runs (after one warm-up) of the wall and CPU time of one run of argv, in ms (0.1 ms steps) */
function cost(argv) {
    const runs = [];
    const loop = `i=0; while [ $i -lt ${LOOP} ]; do "$@" >/dev/null; i=$((i + 1)); done`;
    for (let i = 0; i <= REPS; i++) {
        const r = spawnSync("/usr/bin/time", ["-f", "%e %U %S", "sh", "-c", loop, "bench", ...argv], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
        if (r.status !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr}`);
        const [wall, user, sys] = r.stderr.trim().split("\n").pop().split(" ").map(Number);
        if (i > 0) runs.push({ wall, cpu: user + sys });
    }
    const median = k => runs.map(r => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    const ms = s => Math.round(10000 * s / LOOP) / 10;
    return { wallMs: ms(median("wall")), cpuMs: ms(median("cpu")) };
}

const xml = `<domain type='${GUEST_TYPE}'><name>${GUEST}</name><memory unit='MiB'>2048</memory>` +
    "<memoryBacking><allocation mode='immediate'/></memoryBacking><vcpu>1</vcpu>" +
    "<os><type arch='x86_64' machine='pc'>hvm</type><bios rebootTimeout='-1'/></os>" +
    "<devices><serial type='pty'/><memballoon model='none'/></devices></domain>";
const tinyXml = name => `<domain type='${GUEST_TYPE}'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>2</vcpu>` +
    "<os><type arch='x86_64' machine='pc'>hvm</type><bios rebootTimeout='-1'/></os>" +
    "<devices><serial type='pty'/><memballoon model='none'/></devices></domain>";
fs.writeFileSync(`/tmp/${GUEST}.xml`, xml);
virsh("define", `/tmp/${GUEST}.xml`);
try {
    for (let i = 1; i <= GUESTS; i++) {
        fs.writeFileSync(`/tmp/${tiny(i)}.xml`, tinyXml(tiny(i)));
        virsh("create", `/tmp/${tiny(i)}.xml`);
        fs.rmSync(`/tmp/${tiny(i)}.xml`);
    }
    virsh("start", GUEST);
    // the guests settle (firmware, then idle) before anything is timed
    await settle();
    const pid = fs.readFileSync(`/run/libvirt/qemu/${GUEST}.pid`, "utf8").trim();
    const memoryLine = fs.readFileSync(`/proc/${pid}/cgroup`, "utf8").split("\n").find(l => /^\d+:memory:/.test(l));
    const numaStat = memoryLine ? `/sys/fs/cgroup/memory${memoryLine.split(":")[2]}/memory.numa_stat` : null;
    const reader = fs.readFileSync("src/host/threads-reader.sh", "utf8");
    const running = virsh("list", "--name").split("\n").filter(Boolean).length;
    const result = {
        guestMiB: 2048,
        tinyGuests: GUESTS,
        numaMaps: cost(["cat", `/proc/${pid}/numa_maps`]),
        numaStat: numaStat ? cost(["cat", numaStat]) : null,
        runningGuests: running,
        readerThreads: cost(["sh", "-c", reader, "numa-placement-reader"]),
        readerMemoryCgroup: cost(["sh", "-c", reader, "numa-placement-reader", "-m"]),
        readerMemoryNumaMaps: cost(["sh", "-c", reader, "numa-placement-reader", "-M"]),
        reps: REPS, loop: LOOP,
    };
    console.log(JSON.stringify(result));
} finally {
    // the tiny guests are transient: destroyed, they are gone
    for (let i = 1; i <= GUESTS; i++) try { virsh("destroy", tiny(i)) } catch { /* not started */ }
    virsh("destroy", GUEST);
    virsh("undefine", GUEST);
}
