// Move memory (src/model/memorymove.ts, src/model/memoryop.ts and the change engine's pure half) on the article's host
// (test/fixtures/README.md): node 0 is CPUs 0,2,...,10, node 1 12-22 even, node 2 13-23 odd, node 3 1,3,...,11.
import { describe, expect, it } from "vitest";
import { commandText, opCommands, planUndo, planVerify, type ChangePlan, type MemoryOp } from "../../src/model/change";
import { guestParse } from "../../src/model/guest";
import { memoryMove } from "../../src/model/memorymove";
import { memoryConflicts, memoryMoveTargets } from "../../src/model/memoryop";
import { hostOf } from "./fixtures";

const host = hostOf("article-4node");
const ref = { connection: "system" as const, path: "/org/libvirt/QEMU/domain/_1", name: "web" };
const MiB = 1024;

/** a guest's XML: vCPU 0 pinned to CPU (absent: unpinned), a numatune and extra elements as given */
const xml = ({ cpu = "13", numatune = "", extra = "", id = true }: { cpu?: string; numatune?: string; extra?: string; id?: boolean } = {}) => guestParse(
    `<domain type='kvm'${id ? " id='5'" : ""}><name>web</name><memory unit='MiB'>256</memory><vcpu placement='static'>1</vcpu>` +
    `${cpu ? `<cputune><vcpupin vcpu='0' cpuset='${cpu}'/></cputune>` : ""}${numatune}${extra}</domain>`);

const input = (over: Partial<Parameters<typeof memoryMove>[0]> = {}) => ({
    ref, host, memoryFreeKiB: new Map([[0, 900 * MiB], [1, 900 * MiB], [2, 700 * MiB], [3, 100 * MiB]]),
    live: xml(), saved: xml({ id: false }), pid: 4242, memory: new Map([[0, 250 * MiB], [2, 6 * MiB]]), ...over,
});

describe("memoryMove", () => {
    it("moves the memory off the vCPUs' node there, live with migratepages, and binds the saved config to it", () => {
        const r = memoryMove(input());
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.move.targets).toEqual([2]);
        expect(r.move.moves).toEqual([{ from: 0, to: 2, kib: 250 * MiB }]);
        expect([r.move.totalKiB, r.move.localKiB]).toEqual([256 * MiB, 6 * MiB]);
        expect(r.move.plan.ops.flatMap(op => opCommands(op, ref)).map(commandText)).toEqual([
            "migratepages 4242 0 2",
            "virsh numatune web --mode strict --nodeset 2 --config",
        ]);
    });

    it("keeps the saved binding's mode and its cells when they are on the target; a transient guest gets the live move only", () => {
        const cells = "<numatune><memory mode='restrictive' nodeset='0'/><memnode cellid='0' mode='restrictive' nodeset='2'/></numatune>";
        const r = memoryMove(input({ saved: xml({ id: false, numatune: cells }) }));
        expect(r.ok && r.move.plan.ops[1]).toMatchObject({ kind: "numatune", after: { mode: "restrictive", nodeset: [2], memnodes: [{ cellid: 0, nodeset: [2] }] } });
        const transient = memoryMove(input({ saved: null }));
        expect(transient.ok && transient.move.plan.ops.map(o => o.kind)).toEqual(["memory"]);
    });

    it("pairs the nodes as migrate_pages does: the n-th node it leaves with the n-th target, round again", () => {
        expect([...memoryMoveTargets([3, 0, 1], [2, 1])]).toEqual([[0, 1], [1, 2], [3, 1]]);
        const r = memoryMove(input({ live: xml({ cpu: "12,13" }), memory: new Map([[0, 100 * MiB], [3, 50 * MiB]]) }));
        expect(r.ok && r.move.moves).toEqual([{ from: 0, to: 1, kib: 100 * MiB }, { from: 3, to: 2, kib: 50 * MiB }]);
    });

    it("refuses, with the numbers, a target node without the free memory", () => {
        expect(memoryMove(input({ memoryFreeKiB: new Map([[2, 200 * MiB]]) }))).toEqual({
            ok: false, refusal: { kind: "no-memory", node: 2, needKiB: 250 * MiB, freeKiB: 200 * MiB },
        });
    });

    it("refuses a live strict or restrictive binding that keeps the memory off the target (libvirt changes it only at start)", () => {
        for (const mode of ["strict", "restrictive"]) {
            const live = xml({ numatune: `<numatune><memory mode='${mode}' nodeset='0'/></numatune>` });
            expect(memoryMove(input({ live }))).toEqual({ ok: false, refusal: { kind: "bound-live", mode, nodeset: [0], targets: [2] } });
        }
        // a binding that allows the target, or one that does not limit the process (preferred), is no obstacle
        expect(memoryMove(input({ live: xml({ numatune: "<numatune><memory mode='strict' nodeset='0-3'/></numatune>" }) })).ok).toBe(true);
        expect(memoryMove(input({ live: xml({ numatune: "<numatune><memory mode='preferred' nodeset='0'/></numatune>" }) })).ok).toBe(true);
    });

    it("moves huge pages only to a node with enough free ones of the guest's size, with the numbers; not before they are read", () => {
        const huge = xml({ extra: "<memoryBacking><hugepages><page size='2048' unit='KiB'/></hugepages></memoryBacking>" });
        const pages = (free2M: number) => new Map([[2, [{ sizeKiB: 2048, total: 200, free: free2M }, { sizeKiB: 1048576, total: 4, free: 4 }]]]);
        // 250 MiB on node 0 is 125 pages of 2 MiB: node 2's free memory (700 MiB) does not count, its free huge pages do
        expect(memoryMove(input({ live: huge, hugepages: pages(124) }))).toEqual({ ok: false, refusal: { kind: "no-hugepages", node: 2, sizeKiB: 2048, needPages: 125, freePages: 124 } });
        const r = memoryMove(input({ live: huge, hugepages: pages(125), memoryFreeKiB: new Map([[2, 0]]) }));
        expect(r.ok && r.move.plan.ops.map(o => o.kind)).toEqual(["memory", "numatune"]);
        expect(memoryMove(input({ live: huge }))).toEqual({ ok: false, refusal: { kind: "huge-pages-unknown" } });
        // 1 GiB pages: only the 1 GiB pool counts
        const giant = xml({ extra: "<memoryBacking><hugepages><page size='1' unit='G'/></hugepages></memoryBacking>" });
        expect(memoryMove(input({ live: giant, hugepages: pages(200) })).ok).toBe(true);
        expect(memoryMove(input({ live: giant, hugepages: new Map([[2, [{ sizeKiB: 2048, total: 200, free: 200 }]]]) }))).toMatchObject({ ok: false, refusal: { kind: "no-hugepages", sizeKiB: 1048576, needPages: 1, freePages: 0 } });
    });

    it("refuses unpinned vCPUs, memory already local, and saved cells bound elsewhere", () => {
        expect(memoryMove(input({ live: xml({ cpu: "" }) }))).toEqual({ ok: false, refusal: { kind: "vcpus-everywhere" } });
        expect(memoryMove(input({ memory: new Map([[2, 256 * MiB], [0, 0]]) }))).toEqual({ ok: false, refusal: { kind: "local", nodes: [2] } });
        const cells = "<numatune><memory mode='strict' nodeset='0-2'/><memnode cellid='1' mode='strict' nodeset='0'/></numatune>";
        expect(memoryMove(input({ saved: xml({ id: false, numatune: cells }) }))).toEqual({ ok: false, refusal: { kind: "cells-bound", cells: [1], targets: [2] } });
    });
});

describe("the change engine's memory moves", () => {
    const op: MemoryOp = { kind: "memory", where: "live", pid: 4242, from: [0], to: [2], before: new Map([[0, 250 * MiB], [2, 6 * MiB]]) };
    const plan: ChangePlan = { guest: ref, ops: [op] };

    it("verifies from the memory read again: done when at most 10% stays off the target, else what stayed is kept", () => {
        const after = new Map([[0, 20 * MiB], [2, 236 * MiB]]);
        expect(planVerify([op], null, null, host, after)).toEqual([{ op, status: "verified", threads: [], memory: after }]);
        const stuck = new Map([[0, 100 * MiB], [2, 156 * MiB]]);
        expect(planVerify([op], null, null, host, stuck)).toEqual([{ op, status: "mismatch", threads: [], saved: null, memory: stuck }]);
        expect(planVerify([op], null, null, host, null)).toEqual([{ op, status: "not-verified" }]);
    });

    it("is stale when the guest restarted (another process) or its memory left the nodes it moves from; Undo when it left the target", () => {
        expect(memoryConflicts(plan, 4242, op.before, "before")).toEqual([]);
        expect(memoryConflicts(plan, 9999, op.before, "before")).toEqual([{ op, expected: [0], found: null }]);
        expect(memoryConflicts(plan, 4242, new Map([[1, 250 * MiB], [2, 6 * MiB]]), "before")).toEqual([{ op, expected: [0], found: [1, 2] }]);
        // memory not read: nothing to check against but the process
        expect(memoryConflicts(plan, 4242, null, "before")).toEqual([]);
        expect(memoryConflicts(plan, 4242, new Map([[2, 250 * MiB]]), "after")).toEqual([]);
        expect(memoryConflicts(plan, 4242, new Map([[3, 200 * MiB], [2, 56 * MiB]]), "after")).toEqual([{ op, expected: [2], found: [2, 3] }]);
    });

    it("Undo moves the memory back to the nodes it came from", () => {
        const undo = planUndo(plan, [op]).plan.ops[0] as MemoryOp;
        expect([undo.from, undo.to, commandText(opCommands(undo, ref)[0]!)]).toEqual([[2], [0], "migratepages 4242 2 0"]);
    });
});
