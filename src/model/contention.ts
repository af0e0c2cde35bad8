// Who competes for each CPU: the vCPUs of every running guest (both connections), by the rule the page uses
// (issue 14): a vCPU pinned to one CPU owns it; a vCPU allowed on several CPUs shares them all. Two guests whose
// vCPUs own the same CPU run at half speed there, and nothing else shows it.
import { guestEffective, type GuestConfig } from "./guest";
import type { HostTopology } from "./topology";

export interface VcpuHolder {
    /** the guest's key on the page (connection and object path) */
    guest: string;
    name: string;
    vcpu: number;
}

export interface CpuContention {
    /** vCPUs pinned to this CPU alone */
    owners: VcpuHolder[];
    /** vCPUs allowed on this CPU among others (unpinned ones: every online CPU) */
    sharers: VcpuHolder[];
}

export interface ContentionGuest {
    key: string;
    name: string;
    /** the live XML of a running guest */
    config: GuestConfig;
}

/** For every online CPU, who owns it and who shares it. */
export function contentionCompute(host: HostTopology, guests: ContentionGuest[]): Map<number, CpuContention> {
    const out = new Map<number, CpuContention>(host.online.map(c => [c, { owners: [], sharers: [] }]));
    for (const g of guests) {
        for (const [vcpu, set] of guestEffective(g.config, host).vcpus) {
            const holder = { guest: g.key, name: g.name, vcpu };
            const online = set.cpus.filter(c => out.has(c));
            for (const c of online) {
                const use = out.get(c)!;
                if (online.length === 1) use.owners.push(holder);
                else use.sharers.push(holder);
            }
        }
    }
    return out;
}

/** CPUs this guest's vCPUs own that another guest's vCPUs own too, with those guests' names. */
export function contentionOverlaps(key: string, contention: Map<number, CpuContention>): { cpu: number; others: string[] }[] {
    const out: { cpu: number; others: string[] }[] = [];
    for (const [cpu, use] of contention) {
        if (!use.owners.some(h => h.guest === key)) continue;
        const others = [...new Set(use.owners.filter(h => h.guest !== key).map(h => h.name))].sort();
        if (others.length) out.push({ cpu, others });
    }
    return out.sort((a, b) => a.cpu - b.cpu);
}

/** How many different guests' vCPUs own the CPU (0, 1, or more: contended). */
export const contentionOwnerGuests = (use: CpuContention | undefined): number =>
    use ? new Set(use.owners.map(h => h.guest)).size : 0;
