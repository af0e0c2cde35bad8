// The /proc snapshot: what the host reader (src/host) prints in one spawn, and what it means.
//
// Format, version 1: UTF-8 text, one record per line, fields separated by one TAB; the last field of a
// record runs to the end of the line (so thread and guest names may hold spaces). Lines:
//   numa-placement-snapshot<TAB>1                 first line: format and version
//   C<TAB>CONNECTION                              "system" or "session": the libvirt connection the G and S
//                                                 records that follow belong to (system until a C says otherwise)
//   G<TAB>PID<TAB>NAME                            a running guest's QEMU process; T lines that follow are its
//   T<TAB>TID<TAB>CPUS<TAB>COMM                   threads: /proc/PID/task/TID/comm and its Cpus_allowed_list
//   K<TAB>PID<TAB>CPUS<TAB>COMM                   a kernel thread outside any guest whose name ties it to
//                                                 one (legacy "vhost-QEMUPID", "kvm-pit/QEMUPID")
//   R<TAB>TICKS<TAB>CPU                           the thread of the T or K record just before it: its CPU time
//                                                 (utime + stime, clock ticks) and the CPU it last ran on
//   U<TAB>UPTIME<TAB>HZ                           the clock of those CPU times: seconds since boot when the read
//                                                 began, and clock ticks per second
//   N<TAB>NODE<TAB>HIT<TAB>MISS<TAB>FOREIGN<TAB>OTHER  a node's page allocation counters (numastat): numa_hit,
//                                                 numa_miss, numa_foreign, other_node
//   F<TAB>NODE<TAB>FREE                           a node's free memory, KiB (MemFree of its meminfo)
//   H<TAB>NODE<TAB>SIZE<TAB>TOTAL<TAB>FREE          a node's huge pages of one size (KiB): reserved and free
//   D, L, Q, P                                    network interfaces, their stacking, their interrupt lines and
//                                                 PCI devices (the reader's -d): see devices.ts
//   S<TAB>REASON<TAB>NAME                         a guest that was skipped: "ended" (its process ended before the
//                                                 read), "no-pid" (its pid file holds no process id)
//   E<TAB>CODE                                    a problem of the read as a whole: "no-pid-access" (libvirt's pid
//                                                 files are unreadable: guests were found by their command line)
// Unknown record types are ignored (a newer reader may add some); a malformed line is reported, not fatal.
// Every name (guest, thread) is the last field: it runs to the end of the line, tabs included; the reader never
// prints a newline inside one.
import { cpusetEqual, cpusetIsSubset, cpusetParse, cpusetUnion } from "./cpuset";
import { devicesRecord, type DeviceRecordProblem, type HostDevices } from "./devices";
import type { GuestEffective } from "./guest";

export interface RawThread {
    tid: number;
    cpus: number[];
    comm: string;
    /** CPU time so far, utime + stime in clock ticks (the reader's R record) */
    ticks?: number;
    /** the CPU it last ran on */
    lastCpu?: number;
}

/** libvirt's two QEMU connections: qemu:///system, and the logged-in user's own qemu:///session */
export type Connection = "system" | "session";

export interface SnapshotGuest {
    pid: number;
    name: string;
    threads: RawThread[];
    /** resident memory per NUMA node, KiB, when the read asked for it (-m) and could read it */
    memory?: Map<number, number>;
}

export interface Snapshot {
    /** qemu:///system's running guests by name */
    guests: Map<string, SnapshotGuest>;
    /** the user's qemu:///session guests by name (a name may be in both) */
    sessionGuests: Map<string, SnapshotGuest>;
    kernelThreads: RawThread[];
    skipped: { name: string; reason: SkipReason; connection: Connection }[];
    problems: SnapshotProblem[];
    /** when the read began (seconds since boot) and the clock ticks per second of the threads' CPU times */
    clock?: { uptime: number; hz: number };
    /** each node's page allocation counters (/sys/devices/system/node/nodeN/numastat) */
    numastat?: Map<number, NodeCounters>;
    /** each node's free memory, KiB (MemFree of /sys/devices/system/node/nodeN/meminfo) */
    memoryFree?: Map<number, number>;
    /** each node's huge pages, by page size (/sys/devices/system/node/nodeN/hugepages/) */
    hugepages?: Map<number, HugePages[]>;
    /** network interfaces, interrupt lines and guests' PCI devices (the reader's -d) */
    devices?: HostDevices;
}

/** A node's huge pages of one size: how many the kernel reserved there, and how many are free. */
export interface HugePages {
    sizeKiB: number;
    total: number;
    free: number;
}

/** A node's page allocation counters, in pages since boot (allocations, not accesses). */
export interface NodeCounters {
    /** allocated here, as intended */
    hit: number;
    /** allocated here although meant for another node */
    miss: number;
    /** meant for this node, allocated on another */
    foreign: number;
    /** allocated here for a process running on another node */
    other: number;
}

/** why a guest's threads are missing; "other" for a reason this page does not know (a newer reader's) */
export type SkipReason = "ended" | "ended-during-read" | "no-pid" | "other";
const SKIP_REASONS: readonly string[] = ["ended", "no-pid"];

export type MalformedRecord = "thread" | "guest" | "cpus" | "connection" | "orphan-thread" | "skipped" | "memory" | "run" | "clock" | "numastat" | "memory-free" | "hugepages" | DeviceRecordProblem;

export type SnapshotProblem =
    | { kind: "not-a-snapshot" }
    | { kind: "no-pid-access" }
    /** a line of the snapshot that is not a well-formed record */
    | { kind: "malformed"; line: number; record: MalformedRecord }
    | { kind: "other"; code: string };

export const SNAPSHOT_MAGIC = "numa-placement-snapshot";

/** The snapshot's running guests of one connection, by name. */
export const snapshotGuests = (snap: Snapshot, connection: Connection): Map<string, SnapshotGuest> =>
    connection === "system" ? snap.guests : snap.sessionGuests;

export function snapshotParse(text: string): Snapshot {
    const snap: Snapshot = { guests: new Map(), sessionGuests: new Map(), kernelThreads: [], skipped: [], problems: [] };
    const lines = text.split("\n");
    if (lines[0]?.split("\t")[0] !== SNAPSHOT_MAGIC) {
        snap.problems.push({ kind: "not-a-snapshot" });
        return snap;
    }
    let current: SnapshotGuest | null = null;
    let lastThread: RawThread | null = null;
    let connection: Connection = "system";
    const bad = (n: number, record: MalformedRecord) =>
        snap.problems.push({ kind: "malformed", line: n + 1, record });
    const thread = (f: string[], n: number): RawThread | null => {
        if (f.length < 4 || !/^\d+$/.test(f[1]!)) { bad(n, "thread"); return null }
        let cpus: number[];
        try { cpus = cpusetParse(f[2]!) } catch { bad(n, "cpus"); return null }
        return { tid: Number(f[1]), cpus, comm: f.slice(3).join("\t") };
    };
    lines.slice(1).forEach((line, i) => {
        const n = i + 1;
        if (line === "") return;
        const f = line.split("\t");
        const previousThread = lastThread;
        lastThread = null;
        switch (f[0]) {
        case "G":
            if (f.length < 3 || !/^\d+$/.test(f[1]!)) { bad(n, "guest"); current = null; return }
            current = { pid: Number(f[1]), name: f.slice(2).join("\t"), threads: [] };
            snapshotGuests(snap, connection).set(current.name, current);
            return;
        case "C":
            if (f[1] === "system" || f[1] === "session") connection = f[1];
            else bad(n, "connection");
            current = null;
            return;
        case "T": {
            const t = thread(f, n);
            if (t && current) current.threads.push(t);
            else if (t) bad(n, "orphan-thread");
            lastThread = current ? t : null;
            return;
        }
        case "M":
            // resident memory of the current guest on one node, KiB (the reader's -m)
            if (f.length < 3 || !/^\d+$/.test(f[1]!) || !/^\d+$/.test(f[2]!)) { bad(n, "memory"); return }
            if (current) (current.memory ??= new Map()).set(Number(f[1]), Number(f[2]));
            return;
        case "K": {
            const t = thread(f, n);
            if (t) snap.kernelThreads.push(t);
            lastThread = t;
            return;
        }
        case "R":
            // the CPU time and last CPU of the thread just before
            if (f.length < 3 || !/^\d+$/.test(f[1]!) || !/^\d+$/.test(f[2]!) || !previousThread) { bad(n, "run"); return }
            previousThread.ticks = Number(f[1]);
            previousThread.lastCpu = Number(f[2]);
            return;
        case "N":
            if (f.length < 6 || f.slice(1, 6).some(x => !/^\d+$/.test(x))) { bad(n, "numastat"); return }
            (snap.numastat ??= new Map()).set(Number(f[1]), { hit: Number(f[2]), miss: Number(f[3]), foreign: Number(f[4]), other: Number(f[5]) });
            return;
        case "F":
            if (f.length < 3 || !/^\d+$/.test(f[1]!) || !/^\d+$/.test(f[2]!)) { bad(n, "memory-free"); return }
            (snap.memoryFree ??= new Map()).set(Number(f[1]), Number(f[2]));
            return;
        case "H": {
            if (f.length < 5 || f.slice(1, 5).some(x => !/^\d+$/.test(x))) { bad(n, "hugepages"); return }
            const sizes: HugePages[] = (snap.hugepages ??= new Map()).get(Number(f[1])) ?? [];
            sizes.push({ sizeKiB: Number(f[2]), total: Number(f[3]), free: Number(f[4]) });
            snap.hugepages.set(Number(f[1]), sizes.sort((a, b) => a.sizeKiB - b.sizeKiB));
            return;
        }
        case "U":
            if (f.length < 3 || !/^\d+(\.\d+)?$/.test(f[1]!) || !/^[1-9]\d*$/.test(f[2]!)) { bad(n, "clock"); return }
            snap.clock = { uptime: Number(f[1]), hz: Number(f[2]) };
            return;
        case "S":
            if (f.length < 3) { bad(n, "skipped"); return }
            snap.skipped.push({ name: f.slice(2).join("\t"), reason: SKIP_REASONS.includes(f[1]!) ? f[1] as SkipReason : "other", connection });
            return;
        case "E":
            snap.problems.push(f[1] === "no-pid-access" ? { kind: "no-pid-access" } : { kind: "other", code: f[1] ?? "" });
            return;
        case "D": case "L": case "Q": case "P": {
            const problem = devicesRecord(snap.devices ??= { nets: new Map(), pci: new Map() }, f);
            if (problem) bad(n, problem);
            return;
        }
        default:
            return;
        }
    });
    // a guest that vanished mid-read may leave a G with no threads: report it as skipped
    for (const c of ["system", "session"] as const) {
        for (const [name, g] of snapshotGuests(snap, c)) {
            if (g.threads.length === 0) {
                snapshotGuests(snap, c).delete(name);
                snap.skipped.push({ name, reason: "ended-during-read", connection: c });
            }
        }
    }
    return snap;
}

export type ThreadRole =
    | { kind: "vcpu"; index: number }
    | { kind: "emulator"; main: boolean }
    | { kind: "monitor" }
    | { kind: "iothread"; id: number }
    | { kind: "vhost"; kernelThread: boolean }
    /** follows "vcpus": kvm-nx-lpage-re, in a vCPU's cgroup; "none": kvm-pit/PID, which no libvirt setting places */
    | { kind: "kernel-worker"; follows: "vcpus" | "none" };

export interface GuestThread extends RawThread {
    role: ThreadRole;
}

/** What a thread's name says it is (TID = PID is QEMU's main thread). */
export function threadRole(comm: string, tid: number, pid: number, outsideProcess = false): ThreadRole {
    let m: RegExpMatchArray | null;
    if ((m = comm.match(/^CPU (\d+)\/(KVM|TCG|HVF|WHPX|NVMM)$/))) return { kind: "vcpu", index: Number(m[1]) };
    if (comm === "IO mon_iothread") return { kind: "monitor" };
    if ((m = comm.match(/^IO iothread(\d+)$/))) return { kind: "iothread", id: Number(m[1]) };
    if (/^vhost-\d+$/.test(comm)) return { kind: "vhost", kernelThread: outsideProcess };
    if (comm.startsWith("kvm-nx-lpage-re")) return { kind: "kernel-worker", follows: "vcpus" };
    if (comm.startsWith("kvm-pit/")) return { kind: "kernel-worker", follows: "none" };
    return { kind: "emulator", main: tid === pid };
}

/** The threads of one guest: those inside its process, plus the kernel threads whose name carries its PID. */
export function guestThreads(snap: Snapshot, name: string, connection: Connection = "system"): GuestThread[] | null {
    const g = snapshotGuests(snap, connection).get(name);
    if (!g) return null;
    const inside = g.threads.map(t => ({ ...t, role: threadRole(t.comm, t.tid, g.pid) }));
    const suffix = new RegExp(`^(vhost-|kvm-pit/)${g.pid}$`);
    const outside = snap.kernelThreads.filter(t => suffix.test(t.comm))
        .map(t => ({ ...t, role: threadRole(t.comm, t.tid, g.pid, true) }));
    return [...inside, ...outside];
}

export interface ThreadExpectation {
    /** the CPUs the configuration gives this thread; null when nothing configures it */
    cpus: number[] | null;
    /** "exact": actual must equal cpus; "within": actual must stay inside cpus */
    match: "exact" | "within";
}

/**
 * What a thread's configured CPUs are: vCPU n -> its vcpupin chain; emulator, monitor and vhost workers (which
 * live in the emulator cgroup) -> the emulator set; I/O thread n -> its iothreadpin chain; kvm-nx-lpage-re sits
 * in one vCPU's group, so it must stay within the vCPUs' CPUs; kvm-pit/PID is placed by nothing libvirt sets.
 */
export function threadExpected(role: ThreadRole, eff: GuestEffective): ThreadExpectation {
    switch (role.kind) {
    case "vcpu": return { cpus: eff.vcpus.get(role.index)?.cpus ?? null, match: "exact" };
    case "emulator": case "monitor": case "vhost": return { cpus: eff.emulator.cpus, match: "exact" };
    case "iothread": return { cpus: eff.iothreads.get(role.id)?.cpus ?? eff.emulator.cpus, match: "exact" };
    case "kernel-worker":
        if (role.follows === "none") return { cpus: null, match: "within" };
        return { cpus: cpusetUnion(...[...eff.vcpus.values()].map(v => v.cpus)), match: "within" };
    }
}

/** Drift: the kernel lets the thread run somewhere other than its configuration says. */
export function threadDrifts(t: GuestThread, eff: GuestEffective): boolean {
    const exp = threadExpected(t.role, eff);
    if (!exp.cpus) return false;
    return exp.match === "exact" ? !cpusetEqual(t.cpus, exp.cpus) : !cpusetIsSubset(t.cpus, exp.cpus);
}
