// CPU time by thread, from successive /proc snapshots: how busy each thread was over the last interval, the CPU it
// last ran on, and, for each group of a guest's threads, the share of samples on each NUMA node while the page has
// been open ("emulator threads: 100% on node 3 over the last minute").
import { guestThreads, snapshotGuests, type Connection, type Snapshot, type ThreadRole } from "./threads";
import type { HostTopology } from "./topology";

export interface ThreadRun {
    /** share of one CPU over the last interval, in percent (200 would be two CPUs' worth); null before two reads */
    percent: number | null;
    /** the CPU it last ran on, null when the read did not say */
    lastCpu: number | null;
}

/** how many snapshots the page keeps for the shares (one every few seconds: about a minute) */
export const RUN_HISTORY = 20;

const guestPid = (snap: Snapshot, name: string, connection: Connection) => snapshotGuests(snap, connection).get(name)?.pid;

/**
 * Each thread's CPU % between two reads of the same guest process: the growth of its CPU time against the time
 * between the reads. A thread new in the second read, or a clock that did not advance, has no percentage.
 */
export function threadRuns(prev: Snapshot | null, next: Snapshot, name: string, connection: Connection): Map<number, ThreadRun> {
    const runs = new Map<number, ThreadRun>();
    const now = guestThreads(next, name, connection) ?? [];
    const samePid = prev !== null && guestPid(prev, name, connection) === guestPid(next, name, connection);
    const before = new Map((samePid && prev ? guestThreads(prev, name, connection) ?? [] : []).map(t => [t.tid, t]));
    const seconds = prev?.clock && next.clock && next.clock.hz === prev.clock.hz ? next.clock.uptime - prev.clock.uptime : 0;
    for (const t of now) {
        const p = before.get(t.tid);
        const grown = p && p.comm === t.comm && p.ticks !== undefined && t.ticks !== undefined ? t.ticks - p.ticks : null;
        runs.set(t.tid, {
            percent: grown !== null && grown >= 0 && seconds > 0 && next.clock ? (100 * grown) / (seconds * next.clock.hz) : null,
            lastCpu: t.lastCpu ?? null,
        });
    }
    return runs;
}

export type RunGroup = "vcpus" | "emulator" | "iothreads" | "vhost";

function runGroup(role: ThreadRole): RunGroup | null {
    switch (role.kind) {
    case "vcpu": return "vcpus";
    case "emulator": case "monitor": return "emulator";
    case "iothread": return "iothreads";
    case "vhost": return "vhost";
    case "kernel-worker": return null;
    }
}

export interface GroupRunShare {
    group: RunGroup;
    /** thread samples counted (one per thread per read) */
    samples: number;
    /** share of those samples whose last CPU is on each node, 0..1, largest first */
    byNode: [node: number, share: number][];
}

export interface RunShares {
    groups: GroupRunShare[];
    /** the time the samples span, seconds (0 with one read) */
    seconds: number;
}

/**
 * Where a guest's threads ran while the page watched: for each group (vCPUs, emulator, I/O threads, vhost workers),
 * the share of samples whose last CPU was on each node. Only reads of the guest's current process count.
 */
export function runShares(history: readonly Snapshot[], name: string, connection: Connection, host: HostTopology): RunShares {
    const latest = history[history.length - 1];
    const pid = latest ? guestPid(latest, name, connection) : undefined;
    const counts = new Map<RunGroup, Map<number, number>>();
    let first: Snapshot | null = null;
    for (const snap of history) {
        if (pid === undefined || guestPid(snap, name, connection) !== pid) continue;
        first ??= snap;
        for (const t of guestThreads(snap, name, connection) ?? []) {
            const group = runGroup(t.role);
            const node = t.lastCpu !== undefined ? host.cpus.get(t.lastCpu)?.node : undefined;
            if (!group || node === undefined) continue;
            const c = counts.get(group) ?? new Map<number, number>();
            counts.set(group, c.set(node, (c.get(node) ?? 0) + 1));
        }
    }
    const order: RunGroup[] = ["vcpus", "emulator", "iothreads", "vhost"];
    const groups = order.filter(g => counts.has(g)).map(group => {
        const c = counts.get(group)!;
        const samples = [...c.values()].reduce((a, b) => a + b, 0);
        const byNode = [...c].map(([n, k]): [number, number] => [n, k / samples]).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
        return { group, samples, byNode };
    });
    const seconds = first?.clock && latest?.clock ? Math.max(0, latest.clock.uptime - first.clock.uptime) : 0;
    return { groups, seconds };
}
