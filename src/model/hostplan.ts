// "Plan the host" (issue 14): every guest onto nodes so that no CPU is owned by two guests' vCPUs, no node's free
// memory is overcommitted by the plan, guests already placed well stay (fewest moves), and the rest are placed
// biggest first, each where placeGuest proposes (which balances by free CPUs per node). Deterministic: guests are
// taken in a fixed order (name, then key, for those that stay; vCPUs, memory, name, key for the others). Memory rule: a node
// fits when what this plan puts there (guests moved or placed onto it) is at most its free memory now.
import { cpusetUnion } from "./cpuset";
import { guestEffective, type GuestConfig, type GuestEffective } from "./guest";
import { placeGuest, takenNone, type MemMode, type PlaceHost, type PlaceRefusal, type Placement, type Taken } from "./place";
import { placePrefer, placeResident } from "./guestwhere";
import { topologyNodesOf, type HostTopology } from "./topology";

export interface HostGuest {
    key: string;
    name: string;
    /** the configuration that gets the pins: the live XML of a running guest, else the saved one */
    config: GuestConfig;
    /** a guest the plan may not move (filtered out, or not the admin's to change): it keeps the CPUs it owns */
    fixed?: boolean;
    /** a running guest: its memory is already on its numatune nodes (see placeResident) */
    running?: boolean;
    /** nodes of its NICs and PCI devices: preferred */
    devices?: number[];
}

export interface HostTotals {
    /** CPUs that two or more guests' vCPUs own */
    ownedTwice: number;
    /** guests whose pinned vCPUs span nodes */
    spanning: number;
    /** guests with a vCPU free to run anywhere */
    unpinned: number;
    /** node -> how many of its CPUs a guest's vCPU owns */
    ownedPerNode: Map<number, number>;
    /** memory bound to each node by numatune (strict or restrictive), KiB; a nodeset of several nodes counts evenly */
    committedKiB: Map<number, number>;
}

export interface HostPlan {
    placed: { guest: HostGuest; placement: Placement }[];
    /** guests placed well that keep their place (fixed guests are not listed) */
    stayed: HostGuest[];
    refused: { guest: HostGuest; refusal: PlaceRefusal }[];
    before: HostTotals;
    after: HostTotals;
}

/** Every vCPU pinned to one CPU of its own, all on one node (each guest NUMA cell on one node). */
export function guestPlacedWell(config: GuestConfig, host: HostTopology, eff: GuestEffective = guestEffective(config, host)): boolean {
    const sets = [...eff.vcpus.values()];
    if (!sets.length || sets.some(s => s.source !== "pin" || s.cpus.length !== 1 || !host.online.includes(s.cpus[0]!))) return false;
    const cpus = sets.map(s => s.cpus[0]!);
    if (new Set(cpus).size !== cpus.length) return false;
    const groups = config.cells.length ? config.cells.map(c => c.cpus.filter(v => eff.vcpus.has(v))) : [[...eff.vcpus.keys()]];
    return groups.every(g => topologyNodesOf(host, g.map(v => eff.vcpus.get(v)!.cpus[0]!)).length <= 1);
}

/** The CPUs a guest's vCPUs own (pinned to one CPU each). */
const ownedCpus = (vcpus: Iterable<number[]>): number[] => [...vcpus].filter(s => s.length === 1).map(s => s[0]!);

function reserve(taken: Taken, name: string, cpus: number[]): void {
    for (const c of cpus) taken.owners.set(c, [...taken.owners.get(c) ?? [], name]);
}

/** Memory a placement puts on each node: a cell's memory on its node, else split by the vCPUs on each node. */
function memoryByNode(p: Placement, config: GuestConfig, host: HostTopology): Map<number, number> {
    const out = new Map<number, number>();
    const add = (n: number, kib: number) => out.set(n, (out.get(n) ?? 0) + kib);
    if (p.cells.length) {
        for (const c of p.cells) add(c.node, config.cells.find(x => x.id === c.cell)?.memoryKiB ?? 0);
        return out;
    }
    const total = p.memoryKiB ?? 0;
    const perNode = new Map<number, number>();
    for (const cpus of p.vcpus.values())
        for (const n of topologyNodesOf(host, cpus)) perNode.set(n, (perNode.get(n) ?? 0) + 1);
    const sum = [...perNode.values()].reduce((a, b) => a + b, 0) || 1;
    for (const [n, k] of perNode) add(n, total * k / sum);
    return out;
}

export function hostTotals(host: HostTopology, guests: { config: GuestConfig; vcpus: Map<number, number[]>; memory: { mode: string; nodeset: number[] } | null }[]): HostTotals {
    const owners = new Map<number, number>();
    let spanning = 0, unpinned = 0;
    const committedKiB = new Map<number, number>();
    for (const g of guests) {
        for (const c of new Set(ownedCpus(g.vcpus.values()))) owners.set(c, (owners.get(c) ?? 0) + 1);
        const all = [...g.vcpus.values()];
        if (all.some(s => s.length >= host.online.length && host.online.length > 1)) unpinned++;
        else if (topologyNodesOf(host, cpusetUnion(...all)).length > 1) spanning++;
        if (g.memory && g.memory.nodeset.length && g.memory.mode !== "preferred" && g.memory.mode !== "interleave")
            for (const n of g.memory.nodeset)
                committedKiB.set(n, (committedKiB.get(n) ?? 0) + (g.config.memoryKiB ?? 0) / g.memory.nodeset.length);
    }
    const ownedPerNode = new Map<number, number>();
    for (const c of owners.keys()) {
        const n = host.cpus.get(c)?.node;
        if (n !== undefined) ownedPerNode.set(n, (ownedPerNode.get(n) ?? 0) + 1);
    }
    return { ownedTwice: [...owners.values()].filter(n => n > 1).length, spanning, unpinned, committedKiB, ownedPerNode };
}

const currentOf = (g: HostGuest, eff: GuestEffective) => ({
    config: g.config,
    vcpus: new Map([...eff.vcpus].map(([v, s]) => [v, s.cpus])),
    memory: g.config.numatune?.nodeset ? { mode: g.config.numatune.mode, nodeset: g.config.numatune.nodeset } : null,
});

export function planHost(host: PlaceHost, guests: HostGuest[], choice: { memMode: MemMode; replanAll: boolean }): HostPlan {
    const topo = host.topology;
    const taken: Taken = takenNone();
    const stayed: HostGuest[] = [];
    const moving: HostGuest[] = [];
    // each guest's effective sets, computed once
    const effOf = new Map(guests.map(g => [g, guestEffective(g.config, topo)]));
    const pinsOf = (g: HostGuest) => ownedCpus([...effOf.get(g)!.vcpus.values()].map(s => s.cpus));
    // guests that may not move hold their CPUs first, whatever they collide with
    for (const g of guests.filter(x => x.fixed)) reserve(taken, g.name, pinsOf(g));
    for (const g of [...guests].filter(x => !x.fixed).sort((a, b) => a.name.localeCompare(b.name) || a.key.localeCompare(b.key))) {
        const mine = choice.replanAll || !guestPlacedWell(g.config, topo, effOf.get(g)) ? null : pinsOf(g);
        if (!mine || mine.some(c => taken.owners.has(c))) { moving.push(g); continue }
        reserve(taken, g.name, mine);
        stayed.push(g);
    }
    moving.sort((a, b) => b.config.vcpuCurrent - a.config.vcpuCurrent || (b.config.memoryKiB ?? 0) - (a.config.memoryKiB ?? 0) ||
        a.name.localeCompare(b.name) || a.key.localeCompare(b.key));

    const placed: HostPlan["placed"] = [];
    const refused: HostPlan["refused"] = [];
    for (const g of moving) {
        const prefer = placePrefer(g.config, topo, effOf.get(g));
        const r = placeGuest(host, taken, g.config, { vcpuMode: "one-per-vcpu", memMode: choice.memMode, prefer, devices: g.devices, resident: placeResident(g.config, g.running === true) });
        if (!r.ok) { refused.push({ guest: g, refusal: r.refusal }); continue }
        reserve(taken, g.name, ownedCpus(r.placement.vcpus.values()));
        for (const [n, kib] of memoryByNode(r.placement, g.config, topo)) taken.memoryKiB.set(n, (taken.memoryKiB.get(n) ?? 0) + kib);
        placed.push({ guest: g, placement: r.placement });
    }

    const before = hostTotals(topo, guests.map(g => currentOf(g, effOf.get(g)!)));
    const placementOf = new Map(placed.map(x => [x.guest, x.placement]));
    const after = hostTotals(topo, guests.map(g => {
        const p = placementOf.get(g);
        return p ? { config: g.config, vcpus: p.vcpus, memory: p.memory } : currentOf(g, effOf.get(g)!);
    }));
    return { placed, stayed, refused, before, after };
}
