import { describe, expect, it } from "vitest";
import { topologyCpusOfNodes, topologyIsSingleNode, topologyLlcsOf, topologyNodesOf, topologyParse } from "../../src/model/topology";
import { hostOf } from "./fixtures";

describe("topologyParse", () => {
    it("reads the article's 4-node interleaved host", () => {
        const host = hostOf("article-4node");
        expect(host.cpuCount).toBe(24);
        expect(host.nodes.map(n => [n.id, n.cpus])).toEqual([
            [0, [0, 2, 4, 6, 8, 10]],
            [1, [12, 14, 16, 18, 20, 22]],
            [2, [13, 15, 17, 19, 21, 23]],
            [3, [1, 3, 5, 7, 9, 11]],
        ]);
        expect(host.nodes[0]!.memoryKiB).toBe(8388608);
        expect(host.nodes[0]!.distances.get(3)).toBe(16);
        expect(host.nodes[0]!.distances.get(1)).toBe(22);
        expect(host.llcKnown).toBe(true);
        expect(host.llcs.map(l => l.nodes)).toEqual([[0], [1], [2], [3]]);
        expect(host.cpus.get(13)).toMatchObject({ node: 2, socket: 1, die: 1, online: true });
        expect(topologyNodesOf(host, [1, 3])).toEqual([3]);
        expect(topologyCpusOfNodes(host, [3])).toEqual([1, 3, 5, 7, 9, 11]);
        expect(topologyIsSingleNode(host)).toBe(false);
    });

    it("reads SMT siblings and picks L3 over L2 as the last level", () => {
        const host = hostOf("two-socket-smt");
        expect(host.cpus.get(0)!.siblings).toEqual([0, 8]);
        expect(host.cpus.get(12)!.siblings).toEqual([4, 12]);
        expect(host.nodes[1]!.cpus).toEqual([4, 5, 6, 7, 12, 13, 14, 15]);
        expect(host.llcs).toHaveLength(2);
        expect(host.llcs[0]).toMatchObject({ level: 3, sizeKiB: 20 * 1024, cpus: [0, 1, 2, 3, 8, 9, 10, 11], nodes: [0] });
    });

    it("reads several LLC groups per node", () => {
        const host = hostOf("epyc-multi-llc");
        expect(host.llcs).toHaveLength(4);
        expect(host.llcs.map(l => l.nodes)).toEqual([[0], [0], [1], [1]]);
        expect(topologyLlcsOf(host, [0, 16])).toEqual([0]);
        expect(topologyLlcsOf(host, [3, 4])).toEqual([0, 1]);
    });

    it("keeps a memory-only node, with no CPUs", () => {
        const host = hostOf("memory-only-node");
        expect(host.nodes.map(n => n.id)).toEqual([0, 1, 2]);
        expect(host.nodes[2]!.cpus).toEqual([]);
        expect(host.nodes[2]!.memoryKiB).toBe(64 * 1024 * 1024);
        expect(topologyIsSingleNode(host)).toBe(false);
    });

    it("marks offline CPUs, from the capabilities or from NodeGetCPUMap", () => {
        const host = hostOf("offline-cpus");
        expect(host.cpuCount).toBe(8);
        expect(host.online).toEqual([0, 1, 2, 3, 4, 5]);
        expect(host.cpus.get(6)!.online).toBe(false);
        expect(topologyCpusOfNodes(host, [1])).toEqual([4, 5]);
        // NodeGetCPUMap is the authority when given: CPU 2 went offline since
        const map = [true, true, false, true, true, true, false, false];
        expect(hostOf("offline-cpus", map).online).toEqual([0, 1, 3, 4, 5]);
    });

    it("says when the host reports no cache banks (libvirt's test driver)", () => {
        const host = hostOf("test-driver");
        expect(host.llcKnown).toBe(false);
        expect(host.llcs).toEqual([]);
        expect(host.nodes.map(n => n.cpus.length)).toEqual([8, 8]);
        expect(host.cpus.get(3)!.llc).toBeNull();
    });

    it("reads this lab's single-node host", () => {
        const host = hostOf("lab-single-node");
        expect(host.nodes).toHaveLength(1);
        expect(host.online).toEqual([0, 1]);
        expect(host.llcs[0]!.cpus).toEqual([0, 1]);
        expect(topologyIsSingleNode(host)).toBe(true);
    });

    it("reads a 256-CPU host", () => {
        const host = hostOf("two-socket-256");
        expect(host.cpuCount).toBe(256);
        expect(host.llcs).toHaveLength(16);
        expect(host.nodes[1]!.cpus).toHaveLength(128);
    });

    it("refuses what is not capabilities XML, saying so", () => {
        expect(() => topologyParse("<domain/>")).toThrow(/capabilities: expected a <capabilities> document/);
        expect(() => topologyParse("<capabilities><host>")).toThrow(/capabilities/);
    });
});
