// The host map's layout: per NUMA node, its LLC groups, and in each the cores with their SMT siblings side by
// side; plus which thread groups of a guest may run on each CPU (the colours of the map).
import { cpusetOf } from "./cpuset";
import type { GuestIoPaths } from "./iopath";
import type { GuestPlacement } from "./placement";
import type { HostTopology } from "./topology";

export interface MapGroup {
    /** LLC group index, or null when the host reports no caches (the node is one group) */
    llc: number | null;
    /** cores in order; each core lists its SMT siblings (online or not) */
    cores: number[][];
}

export interface MapNode {
    id: number;
    memoryKiB: number | null;
    distances: [number, number][];
    groups: MapGroup[];
}

export function mapLayout(host: HostTopology): MapNode[] {
    return host.nodes.map(node => {
        const byGroup = new Map<number | null, number[]>();
        for (const id of node.cpus) {
            const llc = host.cpus.get(id)?.llc ?? null;
            byGroup.set(llc, [...(byGroup.get(llc) ?? []), id]);
        }
        const groups: MapGroup[] = [...byGroup.entries()]
            .sort(([a, ca], [b, cb]) => (a ?? Infinity) - (b ?? Infinity) || ca[0]! - cb[0]!)
            .map(([llc, ids]) => {
                const seen = new Set<number>();
                const cores: number[][] = [];
                for (const id of ids) {
                    if (seen.has(id)) continue;
                    const sibs = cpusetOf((host.cpus.get(id)?.siblings ?? [id]).filter(s => ids.includes(s)));
                    const core = sibs.includes(id) ? sibs : [id];
                    core.forEach(s => seen.add(s));
                    cores.push(core);
                }
                return { llc, cores };
            });
        return {
            id: node.id, memoryKiB: node.memoryKiB, groups,
            distances: [...node.distances.entries()].sort(([a], [b]) => a - b),
        };
    });
}

/** thread groups of a guest, and "irq": the CPUs serving the interrupts of the NICs that carry its traffic */
export type MapRole = "vcpu" | "emulator" | "iothread" | "kernel" | "irq";
export const MAP_ROLES: readonly MapRole[] = ["vcpu", "emulator", "iothread", "kernel", "irq"];

/** For each CPU, the thread groups of the guest that may run there, and its NICs' interrupts served there. */
export function mapRoles(p: GuestPlacement, io?: GuestIoPaths | null): Map<number, Set<MapRole>> {
    const out = new Map<number, Set<MapRole>>();
    const add = (cpus: readonly number[], role: MapRole) => {
        for (const c of cpus) {
            const s = out.get(c) ?? new Set<MapRole>();
            s.add(role);
            out.set(c, s);
        }
    };
    add(p.vcpus.cpus, "vcpu");
    add(p.emulator.cpus, "emulator");
    for (const g of p.iothreads.values()) add(g.cpus, "iothread");
    if (p.kernel) add(p.kernel.cpus, "kernel");
    for (const n of io?.nics.flatMap(x => x.physical) ?? [])
        for (const q of n.irqs) if (q.effective) add(q.effective, "irq");
    return out;
}
