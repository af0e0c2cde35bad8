// Where a guest is now, for placing it (place.ts): the nodes it would rather stay on, and the memory it already has.
import { cpusetUnion } from "./cpuset";
import { guestEffective, type GuestConfig, type GuestEffective } from "./guest";
import { topologyNodesOf, type HostTopology } from "./topology";

/**
 * Where a running guest's memory is believed to be, KiB per node: spread evenly over a strict or restrictive
 * numatune nodeset (the kernel keeps it there); unknown (empty) otherwise, until the page reads memory per node.
 */
export function placeResident(config: GuestConfig, running: boolean): Map<number, number> {
    const nt = config.numatune;
    if (!running || !nt?.nodeset?.length || config.memoryKiB === null || (nt.mode !== "strict" && nt.mode !== "restrictive")) return new Map();
    return new Map(nt.nodeset.map(n => [n, config.memoryKiB! / nt.nodeset!.length]));
}

/** The nodes a guest is on now: its numatune nodeset, else the nodes of its vCPUs when every one has a pin. */
export function placePrefer(config: GuestConfig, host: HostTopology, eff: GuestEffective = guestEffective(config, host)): number[] {
    if (config.numatune?.nodeset?.length) return config.numatune.nodeset;
    const sets = [...eff.vcpus.values()];
    return sets.every(s => s.source === "pin") ? topologyNodesOf(host, cpusetUnion(...sets.map(s => s.cpus))) : [];
}
