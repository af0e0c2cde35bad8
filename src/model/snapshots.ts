// Snapshots combined: memory carried over from an earlier read, and the system's and the session's reads in one.
import { snapshotGuests, type Snapshot } from "./threads";

/**
 * A read without memory keeps the memory of the read before it, for each guest still in the same process (memory
 * is read less often than threads: it walks the guest's whole address space).
 */
export function snapshotMemoryCarry(previous: Snapshot | null, next: Snapshot): Snapshot {
    if (!previous) return next;
    for (const c of ["system", "session"] as const) {
        const before = snapshotGuests(previous, c);
        for (const [name, g] of snapshotGuests(next, c)) {
            const old = before.get(name);
            if (!g.memory && old?.memory && old.pid === g.pid) g.memory = old.memory;
        }
    }
    return next;
}

/** Two reads in one: the system's guests of the first, the session's of the second, kernel threads once. */
export function snapshotMerge(system: Snapshot, session: Snapshot): Snapshot {
    const tids = new Set(system.kernelThreads.map(t => t.tid));
    return {
        guests: system.guests,
        sessionGuests: session.sessionGuests,
        kernelThreads: [...system.kernelThreads, ...session.kernelThreads.filter(t => !tids.has(t.tid))],
        skipped: [...system.skipped.filter(s => s.connection === "system"), ...session.skipped.filter(s => s.connection === "session")],
        problems: [...system.problems, ...session.problems],
        clock: system.clock ?? session.clock,
        numastat: system.numastat ?? session.numastat,
        memoryFree: system.memoryFree ?? session.memoryFree,
        hugepages: system.hugepages ?? session.hugepages,
        devices: system.devices ?? session.devices,
    };
}

