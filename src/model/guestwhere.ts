// Where a guest is now, for placing it (place.ts): the nodes it would rather stay on, and the memory it already has.
import type { GuestConfig } from "./guest";
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

/** The nodes a guest is on now: its numatune nodeset, else the nodes of its pinned vCPUs. */
export function placePrefer(config: GuestConfig, vcpuCpus: number[], vcpusPinned: boolean, host: HostTopology): number[] {
    if (config.numatune?.nodeset?.length) return config.numatune.nodeset;
    return vcpusPinned ? topologyNodesOf(host, vcpuCpus) : [];
}
