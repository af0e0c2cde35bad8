import { describe, expect, it } from "vitest";
import { cpusetUnion } from "../../src/model/cpuset";
import { guestParse } from "../../src/model/guest";
import { placeResident } from "../../src/model/guestwhere";
import { placeGuest, takenNone, type PlaceChoice, type Taken } from "../../src/model/place";
import { topologyNodesOf } from "../../src/model/topology";
import { hostOf } from "./fixtures";
import { domainXml, guest, placeHost } from "./domains";

const one: PlaceChoice = { vcpuMode: "one-per-vcpu", memMode: "restrictive" };
const owning = (cpus: number[], name = "other"): Taken => ({ owners: new Map(cpus.map(c => [c, [name]])), memoryKiB: new Map() });

// the article's host (capabilities/article-4node.xml): node0 0,2,..10; node1 12-22 even; node2 13-23 odd; node3 1,3,..11
const article = hostOf("article-4node");

describe("placing one guest", () => {
    it("puts a small unpinned guest on one node, one CPU per vCPU, memory bound there in the chosen mode", () => {
        const r = placeGuest(placeHost(article), takenNone(), guest({ name: "g", vcpus: 2 }), one);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const cpus = [...r.placement.vcpus.values()];
        expect(cpus.every(c => c.length === 1)).toBe(true);
        expect(new Set(cpus.flat()).size).toBe(2);
        expect(topologyNodesOf(article, cpus.flat())).toEqual(r.placement.nodes);
        expect(r.placement.nodes).toHaveLength(1);
        expect(r.placement.memory).toEqual({ mode: "restrictive", nodeset: r.placement.nodes, memnodes: [] });
    });

    it("keeps a guest on the node it is on now when it fits there, and avoids CPUs other guests own", () => {
        const taken = owning([1, 3]);
        const r = placeGuest(placeHost(article), taken, guest({ name: "g", vcpus: 2 }), { ...one, prefer: [3] });
        expect(r.ok && r.placement.nodes).toEqual([3]);
        expect(r.ok && r.placement.preferred).toBe(true);
        expect(r.ok && cpusetUnion(...r.placement.vcpus.values())).toEqual([5, 7]);
    });

    it("prefers the node of the guest's NIC or PCI device over where it is now, and says so", () => {
        const r = placeGuest(placeHost(article), takenNone(), guest({ name: "g", vcpus: 2 }), { ...one, prefer: [3], devices: [0] });
        expect(r.ok && [r.placement.nodes, r.placement.nearDevices, r.placement.preferred]).toEqual([[0], true, false]);
        // a device node without room loses to one with room
        const full = owning([0, 2, 4, 6, 8, 10]);
        const s = placeGuest(placeHost(article), full, guest({ name: "g", vcpus: 2 }), { ...one, prefer: [3], devices: [0] });
        expect(s.ok && [s.placement.nodes, s.placement.nearDevices]).toEqual([[3], false]);
    });

    it("places a guest backed by huge pages only where free huge pages of its size hold it, and says it in huge pages", () => {
        const huge = guestParse(domainXml({ name: "h", vcpus: 2, memMiB: 512 }).replace("</domain>", "<memoryBacking><hugepages/></memoryBacking></domain>"));
        // 6 GiB of free memory on every node, but 2 MiB huge pages free only on node 2 (300) and node 1 (100)
        const pages = new Map([[1, [{ sizeKiB: 2048, total: 100, free: 100 }]], [2, [{ sizeKiB: 2048, total: 300, free: 300 }]], [3, [{ sizeKiB: 1048576, total: 8, free: 8 }]]]);
        const host = { ...placeHost(article), hugepages: pages };
        const r = placeGuest(host, takenNone(), huge, { ...one, prefer: [3] });
        expect(r.ok && [r.placement.nodes, r.placement.hugepageKiB, r.placement.freeKiB]).toEqual([[2], 2048, 600 * 1024]);
        expect(placeGuest(host, takenNone(), huge, { ...one, nodes: [3] })).toEqual({ ok: false, refusal: { kind: "no-memory", needKiB: 512 * 1024, freeKiB: 0, nodes: [3], hugepageKiB: 2048 } });
        // not read yet: free memory as for any guest
        expect(placeGuest(placeHost(article), takenNone(), huge, { ...one, nodes: [3] }).ok).toBe(true);
    });

    it("balances: with node 0 half owned, a new guest goes to an emptier node", () => {
        const r = placeGuest(placeHost(article), owning([0, 2, 4]), guest({ name: "g", vcpus: 2 }), one);
        expect(r.ok && r.placement.nodes).not.toEqual([0]);
    });

    it("a guest bigger than any node spans the fewest, closest nodes (node 0 and 3 are at distance 16)", () => {
        const r = placeGuest(placeHost(article), takenNone(), guest({ name: "big", vcpus: 8 }), one);
        expect(r.ok && r.placement.nodes).toEqual([0, 3]);
        expect(r.ok && new Set(cpusetUnion(...r.placement.vcpus.values())).size).toBe(8);
    });

    it("refuses what cannot fit, with the numbers", () => {
        const cpus = placeGuest(placeHost(article), takenNone(), guest({ name: "huge", vcpus: 30 }), one);
        expect(cpus).toEqual({ ok: false, refusal: { kind: "no-cpus", need: 30, free: 24, nodes: [0, 1, 2, 3] } });
        const mem = placeGuest(placeHost(article, 1), takenNone(), guest({ name: "fat", vcpus: 1, memMiB: 8192 }), one);
        expect(mem.ok === false && mem.refusal.kind).toBe("no-memory");
    });

    it("a running guest's memory bound to its node counts as free for it there", () => {
        // node 3 has 1 GiB free; the guest has 2 GiB, bound (restrictive) to node 3 and running: 3 GiB for it
        const config = guestParse(domainXml({ name: "g", vcpus: 1, memMiB: 2048 }).replace("</domain>",
            "<numatune><memory mode='restrictive' nodeset='3'/></numatune></domain>"));
        const host = placeHost(article, 1);
        expect(placeGuest(host, takenNone(), config, { ...one, nodes: [3] }).ok).toBe(false);
        const r = placeGuest(host, takenNone(), config, { ...one, nodes: [3], resident: placeResident(config, true) });
        expect(r.ok && r.placement.freeKiB).toBe(3 * 1024 * 1024);
        expect(placeResident(config, false).size).toBe(0);
    });

    it("whole-node mode allows every vCPU on the node's free CPUs", () => {
        const r = placeGuest(placeHost(article), owning([1]), guest({ name: "g", vcpus: 2 }), { ...one, vcpuMode: "whole-node", nodes: [3] });
        expect(r.ok && [...r.placement.vcpus.values()]).toEqual([[3, 5, 7, 9, 11], [3, 5, 7, 9, 11]]);
    });

    it("the admin's nodes and CPUs: memory-only, unknown, offline and owned CPUs are refused with the reason", () => {
        const memOnly = hostOf("memory-only-node");
        expect(placeGuest(placeHost(memOnly), takenNone(), guest({ name: "g", vcpus: 1 }), { ...one, nodes: [2] }))
            .toEqual({ ok: false, refusal: { kind: "memory-only", nodes: [2] } });
        expect(placeGuest(placeHost(article), takenNone(), guest({ name: "g", vcpus: 1 }), { ...one, nodes: [7] }))
            .toEqual({ ok: false, refusal: { kind: "unknown-nodes", nodes: [7] } });
        const offline = hostOf("offline-cpus");
        expect(placeGuest(placeHost(offline), takenNone(), guest({ name: "g", vcpus: 2 }), { ...one, cpus: "5-6" }))
            .toEqual({ ok: false, refusal: { kind: "cpus-offline", cpus: [6] } });
        expect(placeGuest(placeHost(article), owning([5], "web"), guest({ name: "g", vcpus: 2 }), { ...one, cpus: "3,5" }))
            .toEqual({ ok: false, refusal: { kind: "cpus-owned", cpus: [{ cpu: 5, owners: ["web"] }] } });
        expect(placeGuest(placeHost(article), takenNone(), guest({ name: "g", vcpus: 2 }), { ...one, cpus: "3-" }))
            .toMatchObject({ ok: false, refusal: { kind: "cpus-malformed" } });
        expect(placeGuest(placeHost(article), takenNone(), guest({ name: "g", vcpus: 3 }), { ...one, cpus: "3,5" }))
            .toEqual({ ok: false, refusal: { kind: "no-cpus", need: 3, free: 2, nodes: [3] } });
        // the same owned CPU with the explicit choice to share: allowed, and flagged
        const shared = placeGuest(placeHost(article), owning([5], "web"), guest({ name: "g", vcpus: 2 }), { ...one, cpus: "3,5", shareCpus: true });
        expect(shared.ok && shared.placement.shared).toEqual([{ cpu: 5, owners: ["web"] }]);
        expect(shared.ok && [...shared.placement.vcpus.values()]).toEqual([[3], [5]]);
    });

    it("a node the admin chose with too few free CPUs is refused, unless sharing is allowed", () => {
        const taken = owning([1, 3, 5, 7, 9]);
        expect(placeGuest(placeHost(article), taken, guest({ name: "g", vcpus: 2 }), { ...one, nodes: [3] }))
            .toEqual({ ok: false, refusal: { kind: "no-cpus", need: 2, free: 1, nodes: [3] } });
        const r = placeGuest(placeHost(article), taken, guest({ name: "g", vcpus: 2 }), { ...one, nodes: [3], shareCpus: true });
        expect(r.ok && [...r.placement.vcpus.values()]).toEqual([[11], [1]]);
        expect(r.ok && r.placement.shared.map(s => s.cpu)).toEqual([1]);
    });

    it("when every CPU is owned, a proposal needs the admin's consent to share, and takes the least owned CPUs", () => {
        // the local lab (capabilities/lab-single-node.xml, CPUs 0-1): CPU 1 owned by three guests, CPU 0 by one
        const lab = hostOf("lab-single-node");
        const taken: Taken = { owners: new Map([[0, ["demo-transient"]], [1, ["a", "b", "c"]]]), memoryKiB: new Map() };
        const g = guest({ name: "g", vcpus: 1, memMiB: 64 });
        expect(placeGuest(placeHost(lab), taken, g, one)).toMatchObject({ ok: false, refusal: { kind: "no-cpus", need: 1, free: 0 } });
        const r = placeGuest(placeHost(lab), taken, g, { ...one, shareCpus: true });
        expect(r.ok && [...r.placement.vcpus.values()]).toEqual([[0]]);
        expect(r.ok && r.placement.shared).toEqual([{ cpu: 0, owners: ["demo-transient"] }]);
    });

    it("never offline CPUs, never memory-only nodes", () => {
        const offline = hostOf("offline-cpus"); // CPUs 6 and 7 offline, node 1 = 4-7
        const r = placeGuest(placeHost(offline), owning([0, 1, 2, 3]), guest({ name: "g", vcpus: 2 }), one);
        expect(r.ok && cpusetUnion(...r.placement.vcpus.values())).toEqual([4, 5]);
        const memOnly = hostOf("memory-only-node");
        const m = placeGuest(placeHost(memOnly), takenNone(), guest({ name: "g", vcpus: 6 }), one);
        expect(m.ok && m.placement.nodes).toEqual([0, 1]);
    });
});

describe("SMT, caches and guest NUMA cells", () => {
    // capabilities/two-socket-smt.xml: siblings N and N+8; node0 0-3,8-11
    const smt = hostOf("two-socket-smt");

    it("a threads=2 guest gets sibling pairs for sibling vCPUs", () => {
        const r = placeGuest(placeHost(smt), takenNone(), guest({ name: "g", vcpus: 4, threads: 2 }), { ...one, nodes: [0] });
        expect(r.ok && [...r.placement.vcpus.values()]).toEqual([[0], [8], [1], [9]]);
    });

    it("a guest without SMT topology gets one thread of each core first", () => {
        const r = placeGuest(placeHost(smt), takenNone(), guest({ name: "g", vcpus: 4 }), { ...one, nodes: [0] });
        expect(r.ok && [...r.placement.vcpus.values()]).toEqual([[0], [1], [2], [3]]);
    });

    it("vCPUs stay in one LLC when one has room (epyc: 2 CCX of 8 CPUs per node)", () => {
        const epyc = hostOf("epyc-multi-llc");
        const r = placeGuest(placeHost(epyc), takenNone(), guest({ name: "g", vcpus: 4 }), { ...one, nodes: [0] });
        const cpus = r.ok ? cpusetUnion(...r.placement.vcpus.values()) : [];
        expect(new Set(cpus.map(c => epyc.cpus.get(c)!.llc)).size).toBe(1);
    });

    it("a guest with 2 NUMA cells gets one host node per cell and a memnode for each", () => {
        const g = guest({ name: "cells", vcpus: 4, memMiB: 2048, cells: [{ cpus: "0-1", memMiB: 1024 }, { cpus: "2-3", memMiB: 1024 }] });
        const r = placeGuest(placeHost(article), takenNone(), g, one);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const [a, b] = r.placement.cells;
        expect(a!.node).not.toBe(b!.node);
        expect(topologyNodesOf(article, [...r.placement.vcpus.get(0)!, ...r.placement.vcpus.get(1)!])).toEqual([a!.node]);
        expect(topologyNodesOf(article, [...r.placement.vcpus.get(2)!, ...r.placement.vcpus.get(3)!])).toEqual([b!.node]);
        expect(r.placement.memory.memnodes).toEqual([
            { cellid: 0, mode: "restrictive", nodeset: [a!.node] }, { cellid: 1, mode: "restrictive", nodeset: [b!.node] },
        ]);
        // the two closest nodes: 0-3 or 1-2 (distance 16)
        expect([[0, 3], [1, 2]]).toContainEqual(r.placement.nodes);
    });
});
