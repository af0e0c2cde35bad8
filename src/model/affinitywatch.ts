// Whether a guest's threads were moved between two reads of /proc: the same QEMU process, a thread of it that
// was in both reads, with other CPUs allowed now. libvirt signals a live pin (the Tunable event), but a signal can
// be lost (the NUMA lab's page once missed one after a libvirtd restart), and taskset sends none. The page
// reads the guests' definitions again when this says so, so that what it shows as configured stays current.
import { cpusetEqual } from "./cpuset";
import { snapshotGuests, type Snapshot } from "./threads";

export function affinityMoved(prev: Snapshot | null, next: Snapshot | null): boolean {
    if (!prev || !next) return false;
    for (const c of ["system", "session"] as const) {
        for (const [name, g] of snapshotGuests(next, c)) {
            const before = snapshotGuests(prev, c).get(name);
            if (!before || before.pid !== g.pid) continue;
            const cpusOf = new Map(before.threads.map(t => [t.tid, t.cpus]));
            if (g.threads.some(t => cpusOf.has(t.tid) && !cpusetEqual(cpusOf.get(t.tid)!, t.cpus))) return true;
        }
    }
    return false;
}
