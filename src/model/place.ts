// Where one guest goes (issue 14): the host node (or the fewest, closest nodes) with enough CPUs that no other
// guest's vCPU owns and enough free memory, its vCPUs on CPUs of those nodes (one CPU each, SMT sibling pairs to
// sibling vCPUs when the guest has threads=2; or every vCPU on the nodes' free CPUs), guest NUMA cells one per
// host node, and its memory bound to the same nodes. Pure and deterministic: same input, same placement.
// See doc/architecture.md, "Placing guests".
import { cpusetMinus, cpusetOf, cpusetUnion } from "./cpuset";
import { cpuOrder } from "./cpuorder";
import type { GuestConfig } from "./guest";
import { topologyCpuList, topologyCpusOfNodes, topologyNodesOf, type HostTopology } from "./topology";

export * from "./placetypes";
import { guestHugepageKiB, hugepagesFree, type PlaceChoice, type PlaceHost, type PlaceRefusal, type PlaceResult, type Taken } from "./placetypes";

/** The guest's vCPUs that get pins (the ones it runs now), by cell: one group per guest NUMA cell, or one. */
function vcpuGroups(config: GuestConfig): { cell: number | null; vcpus: number[]; memoryKiB: number | null }[] {
    const all = Array.from({ length: config.vcpuCurrent }, (_, i) => i);
    if (!config.cells.length) return [{ cell: null, vcpus: all, memoryKiB: config.memoryKiB }];
    const groups = config.cells.map(c => ({ cell: c.id, vcpus: c.cpus.filter(v => v < config.vcpuCurrent), memoryKiB: c.memoryKiB }));
    // vCPUs in no cell (libvirt refuses that, but the XML may say it) go with the first cell
    const inCells = new Set(groups.flatMap(g => g.vcpus));
    groups[0]!.vcpus.push(...all.filter(v => !inCells.has(v)));
    return groups.filter(g => g.vcpus.length > 0);
}

interface Ctx {
    host: PlaceHost;
    taken: Taken;
    config: GuestConfig;
    choice: PlaceChoice;
}

/** Online CPUs per node, computed once per topology (the planner asks for them many times). */
const nodeCpusCache = new WeakMap<HostTopology, Map<number, number[]>>();
function nodeCpus(host: HostTopology, node: number): number[] {
    let m = nodeCpusCache.get(host);
    if (!m) nodeCpusCache.set(host, m = new Map(host.nodes.map(n => [n.id, topologyCpusOfNodes(host, [n.id])])));
    return m.get(node) ?? [];
}

const freeCpusOf = (ctx: Ctx, node: number): number[] =>
    nodeCpus(ctx.host.topology, node).filter(c => !ctx.taken.owners.has(c));

/** free memory of a node for this guest: its free huge pages of the guest's size for one backed by them */
const freeHereOf = (ctx: Ctx, node: number): number => {
    if (!ctx.config.hugepages || !ctx.host.hugepages) return ctx.host.memoryFreeKiB.get(node) ?? Infinity;
    const size = guestHugepageKiB(ctx.config);
    return hugepagesFree(ctx.host.hugepages, node, size) * size;
};
const memFreeOf = (ctx: Ctx, node: number): number =>
    freeHereOf(ctx, node) - (ctx.taken.memoryKiB.get(node) ?? 0) + (ctx.choice.resident?.get(node) ?? 0);

const cpuNodes = (host: HostTopology): number[] => host.nodes.filter(n => nodeCpus(host, n.id).length > 0).map(n => n.id);

const distance = (host: HostTopology, a: number, b: number): number =>
    a === b ? 0 : host.nodes.find(n => n.id === a)?.distances.get(b) ?? 20;

/** Cells (or the one group) to nodes of the set: largest first, each to a node it fits, distinct nodes first. */
function assignGroups(ctx: Ctx, set: number[], share: boolean): Map<number, number> | null {
    const groups = vcpuGroups(ctx.config).map((g, i) => ({ ...g, i })).sort((a, b) => b.vcpus.length - a.vcpus.length || a.i - b.i);
    const cpusLeft = new Map(set.map(n => [n, share ? nodeCpus(ctx.host.topology, n).length : freeCpusOf(ctx, n).length]));
    const memLeft = new Map(set.map(n => [n, memFreeOf(ctx, n)]));
    const out = new Map<number, number>();
    if (groups.length === 1 && groups[0]!.cell === null) return null; // no cells: the set is used as a whole
    for (const g of groups) {
        const used = new Set(out.values());
        const fits = set.filter(n => cpusLeft.get(n)! >= g.vcpus.length && memLeft.get(n)! >= (g.memoryKiB ?? 0));
        const pick = [...fits].sort((a, b) => Number(used.has(a)) - Number(used.has(b)) || cpusLeft.get(b)! - cpusLeft.get(a)! || a - b)[0];
        if (pick === undefined) return new Map();
        out.set(g.i, pick);
        cpusLeft.set(pick, cpusLeft.get(pick)! - g.vcpus.length);
        memLeft.set(pick, memLeft.get(pick)! - (g.memoryKiB ?? 0));
    }
    return out;
}

function setFits(ctx: Ctx, set: number[], share: boolean): boolean {
    const need = ctx.config.vcpuCurrent;
    const cells = vcpuGroups(ctx.config).length;
    const assigned = assignGroups(ctx, set, share);
    // cells go to distinct nodes where the host has enough: the set grows until they use one node per cell
    if (assigned) return assigned.size > 0 && new Set(assigned.values()).size >= Math.min(cells, cpuNodes(ctx.host.topology).length);
    const cpus = set.reduce((n, id) => n + (share ? nodeCpus(ctx.host.topology, id) : freeCpusOf(ctx, id)).length, 0);
    const mem = set.reduce((n, id) => n + memFreeOf(ctx, id), 0);
    return cpus >= need && mem >= (ctx.config.memoryKiB ?? 0);
}

/**
 * The proposed nodes: from each node, grow by the closest until the guest fits; fewest, closest, preferred,
 * emptiest. CPUs other guests own count only when nothing fits without them and the admin allows sharing.
 */
function proposeNodes(ctx: Ctx): number[] | null {
    return proposeWith(ctx, false) ?? (ctx.choice.shareCpus ? proposeWith(ctx, true) : null);
}

function proposeWith(ctx: Ctx, share: boolean): number[] | null {
    const host = ctx.host.topology;
    const nodes = cpuNodes(host);
    const candidates: number[][] = [];
    for (const seed of nodes) {
        const set = [seed];
        while (!setFits(ctx, set, share)) {
            const rest = nodes.filter(n => !set.includes(n));
            if (!rest.length) break;
            const far = (n: number) => Math.max(...set.map(m => distance(host, m, n)));
            rest.sort((a, b) => far(a) - far(b) || freeCpusOf(ctx, b).length - freeCpusOf(ctx, a).length || a - b);
            set.push(rest[0]!);
        }
        if (!setFits(ctx, set, share)) continue;
        // a guest with cells: only the nodes its cells went to
        const assigned = assignGroups(ctx, set, share);
        candidates.push(cpusetOf(assigned ? assigned.values() : set));
    }
    const spread = (s: number[]) => s.reduce((t, a) => t + s.reduce((u, b) => u + distance(host, a, b), 0), 0);
    const preferred = (s: number[]) => (ctx.choice.prefer ?? []).filter(n => s.includes(n)).length;
    const near = (s: number[]) => (ctx.choice.devices ?? []).filter(n => s.includes(n)).length;
    const free = (s: number[]) => s.reduce((t, n) => t + freeCpusOf(ctx, n).length, 0);
    const mem = (s: number[]) => s.reduce((t, n) => t + Math.min(memFreeOf(ctx, n), 2 ** 52), 0);
    candidates.sort((a, b) => a.length - b.length || spread(a) - spread(b) || near(b) - near(a) || preferred(b) - preferred(a) ||
        free(b) - free(a) || mem(b) - mem(a) || a.join().localeCompare(b.join()));
    return candidates[0] ?? null;
}

/** vCPUs onto CPUs of the chosen nodes (cells each on their node), by the vCPU mode. */
function pickVcpus(ctx: Ctx, nodes: number[]): { vcpus: Map<number, number[]>; cells: { cell: number; node: number }[] } | PlaceRefusal {
    const host = ctx.host.topology;
    const share = ctx.choice.shareCpus === true;
    // free CPUs first; CPUs other guests own only when sharing is allowed, least owned first
    const usable = (n: number): number[] => {
        const free = freeCpusOf(ctx, n);
        if (!share) return free;
        const owned = cpusetMinus(nodeCpus(host, n), free)
            .sort((a, b) => ctx.taken.owners.get(a)!.length - ctx.taken.owners.get(b)!.length || a - b);
        return [...free, ...owned];
    };
    const groups = vcpuGroups(ctx.config);
    const assigned = assignGroups(ctx, nodes, share);
    const vcpus = new Map<number, number[]>();
    const cells: { cell: number; node: number }[] = [];
    const used = new Set<number>();
    const place = (list: number[], pool: number[]) => {
        const avail = pool.filter(c => !used.has(c));
        if (ctx.choice.vcpuMode === "whole-node") {
            for (const v of list) vcpus.set(v, cpusetOf(avail));
            return avail.length > 0;
        }
        const order = cpuOrder(host, avail.filter(c => !ctx.taken.owners.has(c)), list.length, ctx.config.threadsPerCore)
            .concat(avail.filter(c => ctx.taken.owners.has(c)));
        if (order.length < list.length) return false;
        list.forEach((v, i) => { vcpus.set(v, [order[i]!]); used.add(order[i]!) });
        return true;
    };
    if (assigned) {
        if (!assigned.size) return { kind: "no-cpus", need: ctx.config.vcpuCurrent, free: nodes.reduce((t, n) => t + usable(n).length, 0), nodes };
        for (const [i, g] of groups.entries()) {
            const node = assigned.get(i)!;
            if (!place(g.vcpus, usable(node))) return { kind: "no-cpus", need: g.vcpus.length, free: usable(node).length, nodes: [node] };
            cells.push({ cell: g.cell!, node });
        }
    } else {
        const pool = nodes.flatMap(usable);
        const list = groups[0]!.vcpus;
        // one node after the other: the vCPUs fill the first node before the next
        const ordered = ctx.choice.vcpuMode === "whole-node" ? pool
            : nodes.flatMap(n => cpuOrder(host, freeCpusOf(ctx, n), list.length, ctx.config.threadsPerCore)).concat(pool.filter(c => ctx.taken.owners.has(c)));
        if (ctx.choice.vcpuMode !== "whole-node" && ordered.length < list.length) return { kind: "no-cpus", need: list.length, free: ordered.length, nodes };
        if (ctx.choice.vcpuMode === "whole-node") place(list, pool);
        else list.forEach((v, i) => vcpus.set(v, [ordered[i]!]));
    }
    return { vcpus, cells };
}

/** The vCPUs on the admin's CPU list: one each in ascending order, or all of them on the whole list. */
function customVcpus(ctx: Ctx, text: string): Map<number, number[]> | PlaceRefusal {
    const host = ctx.host.topology;
    const list = topologyCpuList(host, text);
    if (!list.ok) return "problem" in list ? { kind: "cpus-malformed", problem: list.problem } : { kind: "cpus-offline", cpus: list.offline };
    const cpus = list.cpus;
    const need = ctx.config.vcpuCurrent;
    if (ctx.choice.vcpuMode === "one-per-vcpu" && cpus.length < need) return { kind: "no-cpus", need, free: cpus.length, nodes: topologyNodesOf(host, cpus) };
    const out = new Map<number, number[]>();
    for (let v = 0; v < need; v++) out.set(v, ctx.choice.vcpuMode === "whole-node" ? cpusetOf(cpus) : [cpus[v]!]);
    return out;
}

export function placeGuest(host: PlaceHost, taken: Taken, config: GuestConfig, choice: PlaceChoice): PlaceResult {
    const ctx: Ctx = { host, taken, config, choice };
    const topo = host.topology;
    const hugepageKiB = config.hugepages && host.hugepages ? guestHugepageKiB(config) : null;
    let nodes: number[];
    let vcpus: Map<number, number[]>;
    let cells: { cell: number; node: number }[];
    let preferred = false;
    if (choice.cpus?.trim()) {
        const v = customVcpus(ctx, choice.cpus);
        if (!(v instanceof Map)) return { ok: false, refusal: v };
        vcpus = v;
        nodes = topologyNodesOf(topo, cpusetUnion(...vcpus.values()));
        cells = vcpuGroups(config).filter(g => g.cell !== null).map(g => ({
            cell: g.cell!, node: topologyNodesOf(topo, cpusetUnion(...g.vcpus.map(x => vcpus.get(x) ?? [])))[0] ?? nodes[0] ?? 0,
        }));
    } else {
        if (choice.nodes?.length) {
            const unknown = choice.nodes.filter(n => !topo.nodes.some(x => x.id === n));
            if (unknown.length) return { ok: false, refusal: { kind: "unknown-nodes", nodes: unknown } };
            const memOnly = choice.nodes.filter(n => !cpuNodes(topo).includes(n));
            if (memOnly.length) return { ok: false, refusal: { kind: "memory-only", nodes: memOnly } };
            nodes = cpusetOf(choice.nodes);
        } else {
            const proposed = proposeNodes(ctx);
            if (!proposed) {
                const all = cpuNodes(topo);
                const free = all.reduce((t, n) => t + freeCpusOf(ctx, n).length, 0);
                if (free < config.vcpuCurrent) return { ok: false, refusal: { kind: "no-cpus", need: config.vcpuCurrent, free, nodes: all } };
                return { ok: false, refusal: { kind: "no-memory", needKiB: config.memoryKiB ?? 0, freeKiB: all.reduce((t, n) => t + memFreeOf(ctx, n), 0), nodes: all, hugepageKiB } };
            }
            nodes = proposed;
            preferred = (choice.prefer ?? []).length > 0 && nodes.every(n => choice.prefer!.includes(n));
        }
        const picked = pickVcpus(ctx, nodes);
        if ("kind" in picked) return { ok: false, refusal: picked };
        ({ vcpus, cells } = picked);
    }
    const shared = cpusetUnion(...vcpus.values()).filter(c => taken.owners.has(c)).map(cpu => ({ cpu, owners: taken.owners.get(cpu)! }));
    if (shared.length && !choice.shareCpus) return { ok: false, refusal: { kind: "cpus-owned", cpus: shared } };
    const freeKiB = nodes.reduce((t, n) => t + memFreeOf(ctx, n), 0);
    if (config.memoryKiB !== null && freeKiB < config.memoryKiB)
        return { ok: false, refusal: { kind: "no-memory", needKiB: config.memoryKiB, freeKiB, nodes, hugepageKiB } };
    const memnodes = cells.map(c => ({ cellid: c.cell, mode: choice.memMode, nodeset: [c.node] }));
    return {
        ok: true,
        placement: {
            nodes, vcpus, cells, shared, preferred, hugepageKiB,
            nearDevices: (choice.devices ?? []).length > 0 && choice.devices!.every(n => nodes.includes(n)),
            memory: { mode: choice.memMode, nodeset: nodes, memnodes },
            memoryKiB: config.memoryKiB,
            freeKiB: Number.isFinite(freeKiB) ? freeKiB : null,
        },
    };
}
