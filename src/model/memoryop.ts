// The change engine's memory moves (ChangeOp "memory"): where migrate_pages(2) sends each node's pages, how much
// of a guest's memory is off some nodes, when a move counts as done, and the conflicts that stop a move or its Undo.
import type { ChangePlan, Conflict } from "./change";

/** Where migrate_pages(2) sends each node's pages: the n-th node of `from` to the n-th of `to`, round again. */
export const memoryMoveTargets = (from: number[], to: number[]): Map<number, number> =>
    new Map([...from].sort((a, b) => a - b).map((n, i) => [n, [...to].sort((a, b) => a - b)[i % to.length]!]));

/** Memory of a guest off the given nodes, KiB, and its total. */
export function memoryOff(memory: Map<number, number>, nodes: number[]): { offKiB: number; totalKiB: number } {
    let offKiB = 0, totalKiB = 0;
    for (const [n, k] of memory) {
        totalKiB += k;
        if (!nodes.includes(n)) offKiB += k;
    }
    return { offKiB, totalKiB };
}

/** A move of memory is done when no more than this share of it is off the target nodes. */
export const MEMORY_MOVED_SHARE = 0.9;

/** The nodes holding more than 1% of a guest's memory (what a conflict shows). */
const memoryNodes = (memory: Map<number, number>): number[] => {
    const total = [...memory.values()].reduce((a, b) => a + b, 0);
    return [...memory].filter(([, k]) => k > total / 100).map(([n]) => n).sort((a, b) => a - b);
};

/**
 * Memory moves against the guest's process and memory now: another process (the guest restarted) is a conflict;
 * before applying, the memory must still be on the nodes it moves from (someone may have moved it meanwhile);
 * before an Undo, it must still be on the nodes it was moved to. Memory that could not be read is not checked.
 */
export function memoryConflicts(plan: ChangePlan, pid: number | null, memory: Map<number, number> | null, expect: "before" | "after"): Conflict[] {
    const out: Conflict[] = [];
    for (const op of plan.ops) {
        if (op.kind !== "memory") continue;
        const expected = expect === "before" ? op.from : op.to;
        if (pid !== op.pid) { out.push({ op, expected, found: null }); continue }
        if (!memory) continue;
        const off = memoryOff(memory, op.to);
        const moved = expect === "before" ? op.from.every(n => (memory.get(n) ?? 0) === 0)
            : off.offKiB > (1 - MEMORY_MOVED_SHARE) * off.totalKiB;
        if (moved) out.push({ op, expected, found: memoryNodes(memory) });
    }
    return out;
}
