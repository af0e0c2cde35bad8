import { describe, expect, it } from "vitest";
import { mapLayout, mapRoles } from "../../src/model/hostmap";
import { placementCompute } from "../../src/model/placement";
import { guestOf, hostOf } from "./fixtures";

describe("mapLayout", () => {
    it("the article's host: four nodes, one LLC group each, the article's CPU order", () => {
        const nodes = mapLayout(hostOf("article-4node"));
        expect(nodes.map(n => [n.id, n.groups.map(g => g.cores.flat())])).toEqual([
            [0, [[0, 2, 4, 6, 8, 10]]], [1, [[12, 14, 16, 18, 20, 22]]], [2, [[13, 15, 17, 19, 21, 23]]], [3, [[1, 3, 5, 7, 9, 11]]],
        ]);
        expect(nodes[0]!.distances).toEqual([[0, 10], [1, 22], [2, 22], [3, 16]]);
    });

    it("SMT siblings side by side, several LLC groups per node", () => {
        const nodes = mapLayout(hostOf("epyc-multi-llc"));
        expect(nodes[0]!.groups.map(g => g.llc)).toEqual([0, 1]);
        expect(nodes[0]!.groups[0]!.cores).toEqual([[0, 16], [1, 17], [2, 18], [3, 19]]);
    });

    it("a 256-CPU host stays in bounded groups: 8 per node of 8 cores x 2 threads", () => {
        const nodes = mapLayout(hostOf("two-socket-256"));
        expect(nodes.map(n => n.groups.length)).toEqual([8, 8]);
        for (const g of nodes.flatMap(n => n.groups)) {
            expect(g.cores).toHaveLength(8);
            expect(g.cores.every(c => c.length === 2)).toBe(true);
        }
        expect(nodes.flatMap(n => n.groups.flatMap(g => g.cores.flat())).sort((a, b) => a - b)).toEqual([...Array(256).keys()]);
    });

    it("without cache banks, a node is one group; offline CPUs stay on the map; memory-only nodes have none", () => {
        expect(mapLayout(hostOf("test-driver")).map(n => n.groups.map(g => g.llc))).toEqual([[null], [null]]);
        const off = mapLayout(hostOf("offline-cpus"));
        expect(off[1]!.groups.flatMap(g => g.cores.flat()).sort()).toEqual([4, 5, 6, 7]);
        expect(mapLayout(hostOf("memory-only-node"))[2]).toMatchObject({ id: 2, groups: [] });
    });
});

describe("mapRoles", () => {
    it("colours the article's guest: vCPUs on 1 and 3, emulator everywhere", () => {
        const host = hostOf("article-4node");
        const p = placementCompute({ host, state: "running", persistent: true, config: guestOf("rhel64-live"), policy: { kind: "node" } });
        const roles = mapRoles(p);
        expect([...roles.get(1)!]).toEqual(["vcpu", "emulator"]);
        expect([...roles.get(0)!]).toEqual(["emulator"]);
        expect(roles.size).toBe(24);
    });
});
