// Whether a guest's threads were moved between two reads of /proc: the same QEMU process, a thread of it that
// was in both reads, with other CPUs allowed now. libvirt signals a live pin (the Tunable event), but not always:
// libvirt-dbus does not register its events again after libvirtd restarts, and taskset sends nothing. The page
// reads the guests' definitions again when this says so, so that what it shows as configured stays current.
import { cpusetEqual } from "./cpuset";
import type { Snapshot } from "./threads";

export function affinityMoved(prev: Snapshot | null, next: Snapshot | null): boolean {
    if (!prev || !next) return false;
    for (const which of ["guests", "sessionGuests"] as const) {
        for (const [name, g] of next[which]) {
            const before = prev[which].get(name);
            if (!before || before.pid !== g.pid) continue;
            const cpusOf = new Map(before.threads.map(t => [t.tid, t.cpus]));
            if (g.threads.some(t => cpusOf.has(t.tid) && !cpusetEqual(cpusOf.get(t.tid)!, t.cpus))) return true;
        }
    }
    return false;
}
