// What placing a guest starts from, as the page has it: the host's free memory per node, the CPUs other running
// guests' vCPUs own (contention.ts), the configuration that gets the pins, and the nodes it is on now.
import type { GuestRecord } from "../libvirt/guests";
import type { GuestRef } from "../model/change";
import type { CpuContention } from "../model/contention";
import type { GuestConfig } from "../model/guest";
import { placePrefer, placeResident } from "../model/guestwhere";
import type { PlaceHost, Taken } from "../model/place";
import type { HugePages } from "../model/threads";
import { topologyCpusOfNodes, type HostRecord } from "../model/topology";

export interface PlaceInputs {
    ref: GuestRef;
    host: PlaceHost;
    taken: Taken;
    /** the live XML of a running guest, else the saved one */
    config: GuestConfig;
    prefer: number[];
    /** nodes of its NICs and PCI devices */
    devices: number[];
    /** memory the running guest already has on each node */
    resident: Map<number, number>;
    /** nodes with CPUs: how many are online, and how many of those no other guest's vCPU owns */
    nodes: { id: number; onlineCpus: number; freeCpus: number }[];
}

/** CPUs owned by vCPUs of guests other than `key`: CPU -> their names */
export function takenFrom(contention: Map<number, CpuContention>, key: string): Taken {
    const owners = new Map<number, string[]>();
    for (const [cpu, use] of contention) {
        const names = [...new Set(use.owners.filter(h => h.guest !== key).map(h => h.name))].sort();
        if (names.length) owners.set(cpu, names);
    }
    return { owners, memoryKiB: new Map() };
}

export function placeInputs(host: HostRecord, contention: Map<number, CpuContention>, guest: GuestRecord,
                            live: GuestConfig | null, saved: GuestConfig | null,
                            io: { devices: number[]; hugepages: Map<number, HugePages[]> | null }): PlaceInputs {
    const topo = host.topology;
    const config = live ?? saved ?? guest.config;
    const taken = takenFrom(contention, guest.key);
    const nodes = topo.nodes.map(n => ({ id: n.id, cpus: topologyCpusOfNodes(topo, [n.id]) }))
        .filter(n => n.cpus.length > 0)
        .map(n => ({ id: n.id, onlineCpus: n.cpus.length, freeCpus: n.cpus.filter(c => !taken.owners.has(c)).length }));
    return {
        ref: { connection: guest.connection, path: guest.path, name: guest.name },
        host: { topology: topo, memoryFreeKiB: host.memoryFree, hugepages: io.hugepages ?? undefined },
        devices: io.devices,
        taken, config, nodes, resident: placeResident(config, live !== null),
        prefer: placePrefer(config, topo),
    };
}
