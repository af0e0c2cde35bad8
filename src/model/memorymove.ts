// "Move memory": a running guest's memory that lies off its vCPUs' nodes moved there (migrate_pages(2), through
// numactl's migratepages) and kept there (the saved config's <numatune> bound to those nodes). The plan, what it
// moves per node, and what makes it impossible, with the numbers.
import { memtuneEqual, memtuneOf } from "./numatune";
import { memoryMoveTargets } from "./memoryop";
import { type ChangeOp, type ChangePlan, type GuestRef } from "./change";
import { cpusetIsSubset } from "./cpuset";
import { guestEffective, guestVcpuUnion, type GuestConfig } from "./guest";
import { guestHugepageKiB, hugepagesFree, type Memtune } from "./placetypes";
import type { HugePages } from "./threads";
import { topologyNodesOf, type HostTopology } from "./topology";

export interface MemoryMoveInput {
    ref: GuestRef;
    host: HostTopology;
    /** free memory per node now, KiB (a node absent: unknown) */
    memoryFreeKiB: Map<number, number>;
    /** the running guest's live XML, and the saved one of a persistent guest */
    live: GuestConfig;
    saved: GuestConfig | null;
    /** the guest's QEMU process and its memory per node (the kernel's count), KiB */
    pid: number;
    memory: Map<number, number>;
    /** each node's huge pages by size (the last read): where a guest backed by them can move */
    hugepages?: Map<number, HugePages[]> | null;
}

export type MemoryMoveRefusal =
    /** the vCPUs may run on every node: there is no node the memory belongs on (place the guest first) */
    | { kind: "vcpus-everywhere" }
    /** nothing lies off the vCPUs' nodes */
    | { kind: "local"; nodes: number[] }
    | { kind: "no-memory"; node: number; needKiB: number; freeKiB: number }
    /** huge pages move only to a node with free huge pages of their size: not read yet */
    | { kind: "huge-pages-unknown" }
    /** the target node has too few free huge pages of the guest's size */
    | { kind: "no-hugepages"; node: number; sizeKiB: number; needPages: number; freePages: number }
    /** the running guest's binding keeps its memory off the target, and libvirt does not change it live in this mode */
    | { kind: "bound-live"; mode: string; nodeset: number[]; targets: number[] }
    /** the saved config binds guest NUMA cells to other nodes */
    | { kind: "cells-bound"; cells: number[]; targets: number[] };

export interface MemoryMove {
    plan: ChangePlan;
    targets: number[];
    /** per node the memory leaves: KiB and the node it goes to */
    moves: { from: number; to: number; kib: number }[];
    /** the guest's memory, KiB, and what already is on the targets */
    totalKiB: number;
    localKiB: number;
}

export type MemoryMoveResult = { ok: true; move: MemoryMove } | { ok: false; refusal: MemoryMoveRefusal };

/** The saved binding that keeps the memory on the targets: its mode (strict when none), the targets, its cells. */
function savedBinding(saved: GuestConfig, targets: number[]): Memtune | MemoryMoveRefusal {
    const now = memtuneOf(saved);
    const outside = now.memnodes.filter(m => !cpusetIsSubset(m.nodeset, targets)).map(m => m.cellid);
    if (outside.length) return { kind: "cells-bound", cells: outside, targets };
    return { mode: now.mode === "none" ? "strict" : now.mode, nodeset: targets, memnodes: now.memnodes };
}

export function memoryMove(input: MemoryMoveInput): MemoryMoveResult {
    const { live, saved, memory, host } = input;
    const vcpus = guestVcpuUnion(guestEffective(live, host));
    if (!vcpus.pinned) return { ok: false, refusal: { kind: "vcpus-everywhere" } };
    const targets = topologyNodesOf(host, vcpus.cpus);
    const from = [...memory].filter(([n, k]) => k > 0 && !targets.includes(n)).map(([n]) => n).sort((a, b) => a - b);
    if (!from.length) return { ok: false, refusal: { kind: "local", nodes: targets } };
    if (live.hugepages && !input.hugepages) return { ok: false, refusal: { kind: "huge-pages-unknown" } };
    // strict and restrictive bindings limit the process to their nodes (cpuset.mems): the kernel moves no page
    // outside them, and libvirt changes a strict one only when the guest starts
    const nt = live.numatune;
    if (nt && (nt.mode === "strict" || nt.mode === "restrictive") && nt.nodeset && !cpusetIsSubset(targets, nt.nodeset))
        return { ok: false, refusal: { kind: "bound-live", mode: nt.mode, nodeset: nt.nodeset, targets } };
    const to = memoryMoveTargets(from, targets);
    const moves = from.map(n => ({ from: n, to: to.get(n)!, kib: memory.get(n)! }));
    for (const node of targets) {
        const needKiB = moves.filter(m => m.to === node).reduce((a, m) => a + m.kib, 0);
        if (live.hugepages) {
            // huge pages come from the node's reserved pool, not from its free memory
            const sizeKiB = guestHugepageKiB(live);
            const needPages = Math.ceil(needKiB / sizeKiB);
            const freePages = hugepagesFree(input.hugepages, node, sizeKiB);
            if (needPages > freePages) return { ok: false, refusal: { kind: "no-hugepages", node, sizeKiB, needPages, freePages } };
            continue;
        }
        const freeKiB = input.memoryFreeKiB.get(node);
        if (freeKiB !== undefined && needKiB > freeKiB) return { ok: false, refusal: { kind: "no-memory", node, needKiB, freeKiB } };
    }
    const ops: ChangeOp[] = [{ kind: "memory", where: "live", pid: input.pid, from, to: targets, before: memory }];
    if (saved) {
        const binding = savedBinding(saved, targets);
        if ("kind" in binding) return { ok: false, refusal: binding };
        const before = memtuneOf(saved);
        if (!memtuneEqual(before, binding)) ops.push({ kind: "numatune", where: "config", before, after: binding });
    }
    const totalKiB = [...memory.values()].reduce((a, b) => a + b, 0);
    const localKiB = targets.reduce((a, n) => a + (memory.get(n) ?? 0), 0);
    return { ok: true, move: { plan: { guest: input.ref, ops }, targets, moves, totalKiB, localKiB } };
}
