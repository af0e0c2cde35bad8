import { describe, expect, it } from "vitest";
import { cpusetUnion } from "../../src/model/cpuset";
import { guestPlacedWell, planHost, type HostGuest, type HostPlan } from "../../src/model/hostplan";
import { topologyNodesOf, type HostTopology } from "../../src/model/topology";
import { hostOf } from "./fixtures";
import { guest, placeHost } from "./domains";

const g = (o: Parameters<typeof guest>[0]): HostGuest => ({ key: `system:/${o.name}`, name: o.name, config: guest(o) });

/** The vCPU CPUs of every guest after the plan: the placement's, or what it has now. */
function ownersAfter(plan: HostPlan): Map<number, string[]> {
    const out = new Map<number, string[]>();
    const add = (name: string, sets: Iterable<number[]>) => {
        for (const s of sets) if (s.length === 1) out.set(s[0]!, [...out.get(s[0]!) ?? [], name]);
    };
    for (const p of plan.placed) add(p.guest.name, p.placement.vcpus.values());
    for (const s of plan.stayed) add(s.name, [...s.config.vcpupins.values()]);
    return out;
}

function expectSound(plan: HostPlan, host: HostTopology, freeKiB: number): void {
    // no CPU owned twice; only online CPUs
    for (const [cpu, names] of ownersAfter(plan)) {
        expect(names, `CPU ${cpu}`).toHaveLength(1);
        expect(host.online).toContain(cpu);
    }
    // no node's free memory overcommitted by what the plan puts there
    const per = new Map<number, number>();
    for (const p of plan.placed) {
        const nodes = p.placement.cells.length ? p.placement.cells.map(c => c.node) : p.placement.nodes;
        for (const n of nodes) per.set(n, (per.get(n) ?? 0) + (p.placement.memoryKiB ?? 0) / nodes.length);
    }
    for (const [n, kib] of per) expect(kib, `node ${n}`).toBeLessThanOrEqual(freeKiB + 1);
    expect(plan.after.ownedTwice).toBe(0);
}

// the article's host (capabilities/article-4node.xml, 4 nodes of 6 CPUs) with the article's rhel64 (vCPUs on 1 and 3)
const article = hostOf("article-4node");

describe("planning the host", () => {
    it("keeps guests placed well, re-places colliding and unpinned ones, and never owns a CPU twice", () => {
        const guests = [
            g({ name: "rhel64", vcpus: 2, pins: ["1", "3"] }),
            g({ name: "rhel64-copy", vcpus: 2, pins: ["1", "3"] }),   // collides with rhel64: the first by name stays
            g({ name: "loose", vcpus: 2 }),                          // unpinned
            g({ name: "spread", vcpus: 2, pins: ["0", "1"] }),       // spans nodes 0 and 3
        ];
        const plan = planHost(placeHost(article), guests, { memMode: "restrictive", replanAll: false });
        expect(plan.stayed.map(s => s.name)).toEqual(["rhel64"]);
        expect(plan.placed.map(p => p.guest.name).sort()).toEqual(["loose", "rhel64-copy", "spread"]);
        expect(plan.refused).toEqual([]);
        expectSound(plan, article, 6 * 1024 * 1024);
        for (const p of plan.placed) expect(p.placement.nodes).toHaveLength(1);
        expect(plan.before).toMatchObject({ ownedTwice: 2, spanning: 1, unpinned: 1 });
        expect(plan.after).toMatchObject({ ownedTwice: 0, spanning: 0, unpinned: 0 });
        // the copy stays on its node (3: CPUs 5 and 7 are free there); the unpinned guest goes to an emptiest node
        const nodeOf = (name: string) => plan.placed.find(p => p.guest.name === name)!.placement.nodes;
        expect(nodeOf("rhel64-copy")).toEqual([3]);
        expect(nodeOf("loose")).toEqual([0]);
    });

    it("guests the plan may not move keep their CPUs, even colliding ones, and the others go around them", () => {
        const guests = [
            { ...g({ name: "a-fixed", vcpus: 2, pins: ["1", "3"] }), fixed: true },
            g({ name: "b", vcpus: 2, pins: ["1", "3"] }),
            { ...g({ name: "c-fixed", vcpus: 1, pins: ["5"] }), fixed: true },
        ];
        const plan = planHost(placeHost(article), guests, { memMode: "restrictive", replanAll: false });
        expect(plan.stayed).toEqual([]);
        const b = plan.placed.find(p => p.guest.name === "b")!.placement;
        expect(b.nodes).toEqual([3]);
        expect([...b.vcpus.values()].flat().some(c => [1, 3, 5].includes(c))).toBe(false);
    });

    it("the NUMA lab's guests (test/numa-lab/guests) with three new ones, as test/e2e-numa has them: the plan worked out by hand", () => {
        const guests = [
            g({ name: "aligned", vcpus: 1, memMiB: 64, pins: ["17"] }),
            g({ name: "emu-elsewhere", vcpus: 1, memMiB: 64, pins: ["14"] }),
            g({ name: "memory-away", vcpus: 1, memMiB: 64, pins: ["4"] }),
            g({ name: "rhel64", vcpus: 2, memMiB: 64, pins: ["1", "3"] }),
            g({ name: "saved-pins", vcpus: 2, memMiB: 64, pins: ["0", "2"] }),
            g({ name: "wide", vcpus: 2, memMiB: 64, pins: ["17", "12"] }),   // live: vCPU 0 onto aligned's CPU 17
            g({ name: "place-two", vcpus: 2, memMiB: 64 }),
            g({ name: "place-cells", vcpus: 2, memMiB: 64, cells: [{ cpus: "0", memMiB: 32 }, { cpus: "1", memMiB: 32 }] }),
            g({ name: "place-big", vcpus: 8, memMiB: 64 }),
        ];
        const plan = planHost(placeHost(article, 0.5), guests, { memMode: "restrictive", replanAll: false });
        expect(plan.stayed.map(s => s.name)).toEqual(["aligned", "emu-elsewhere", "memory-away", "rhel64", "saved-pins"]);
        const of = (name: string) => plan.placed.find(p => p.guest.name === name)!.placement;
        // biggest first: 8 vCPUs fit on no node; nodes 1 and 2 (distance 16) have 10 free CPUs
        expect(of("place-big").nodes).toEqual([1, 2]);
        expect([...of("place-big").vcpus.values()].flat()).toEqual([12, 16, 18, 20, 22, 13, 15, 19]);
        // the cells on the closest pair with room: node 3 (4 free) for cell 0, node 0 for cell 1
        expect(of("place-cells").cells).toEqual([{ cell: 0, node: 3 }, { cell: 1, node: 0 }]);
        expect([...of("place-cells").vcpus.values()]).toEqual([[5], [6]]);
        // place-two where most CPUs are free (node 3); wide on a node it is on now that still has room (node 2)
        expect([...of("place-two").vcpus.values()]).toEqual([[7], [9]]);
        expect([...of("wide").vcpus.values()]).toEqual([[21], [23]]);
        expectSound(plan, article, 0.5 * 1024 * 1024);
        expect(plan.before.ownedTwice).toBe(1);
    });

    it("replanning everything moves guests placed well too", () => {
        const plan = planHost(placeHost(article), [g({ name: "rhel64", vcpus: 2, pins: ["1", "3"] })], { memMode: "strict", replanAll: true });
        expect(plan.stayed).toEqual([]);
        // it prefers where it is: node 3
        expect(plan.placed[0]!.placement.nodes).toEqual([3]);
        expect(plan.placed[0]!.placement.memory.mode).toBe("strict");
    });

    it("lists guests it cannot place with the reason and places the rest", () => {
        const guests = [g({ name: "huge", vcpus: 40 }), g({ name: "small", vcpus: 1 })];
        const plan = planHost(placeHost(article), guests, { memMode: "restrictive", replanAll: false });
        expect(plan.refused.map(r => [r.guest.name, r.refusal.kind])).toEqual([["huge", "no-cpus"]]);
        expect(plan.placed.map(p => p.guest.name)).toEqual(["small"]);
    });

    it("a big guest spans the two closest nodes; a two-cell guest gets two nodes with a memnode each", () => {
        const guests = [
            g({ name: "big", vcpus: 8, memMiB: 2048 }),
            g({ name: "cells", vcpus: 2, memMiB: 512, cells: [{ cpus: "0", memMiB: 256 }, { cpus: "1", memMiB: 256 }] }),
            g({ name: "two", vcpus: 2, memMiB: 256 }),
        ];
        const plan = planHost(placeHost(article), guests, { memMode: "restrictive", replanAll: false });
        const big = plan.placed.find(p => p.guest.name === "big")!.placement;
        expect([[0, 3], [1, 2]]).toContainEqual(big.nodes);
        const cells = plan.placed.find(p => p.guest.name === "cells")!.placement;
        expect(cells.cells.map(c => c.node)[0]).not.toBe(cells.cells[1]!.node);
        expect(cells.memory.memnodes.map(m => m.nodeset)).toEqual(cells.cells.map(c => [c.node]));
        expectSound(plan, article, 6 * 1024 * 1024);
    });

    it("does not overcommit a node's free memory", () => {
        // 1 GiB free per node, four guests of 900 MiB: one per node; a fifth does not fit, not even over all four
        const guests = ["a", "b", "c", "d", "e"].map(name => g({ name, vcpus: 1, memMiB: 900 }));
        const plan = planHost(placeHost(article, 1), guests, { memMode: "restrictive", replanAll: false });
        expect(plan.placed).toHaveLength(4);
        expect(new Set(plan.placed.map(p => p.placement.nodes[0])).size).toBe(4);
        expect(plan.refused.map(r => r.refusal.kind)).toEqual(["no-memory"]);
    });

    it("256 CPUs, 200 guests: sound, every guest placed on the fewest nodes, and the same plan twice", () => {
        // capabilities/two-socket-256.xml: 2 nodes of 128 CPUs (64 cores x 2 threads), an L3 per 8 cores
        const big = hostOf("two-socket-256");
        const guests = Array.from({ length: 200 }, (_, i) => g({
            name: `vm${String(i).padStart(3, "0")}`, vcpus: i % 5 === 0 ? 2 : 1, memMiB: 512,
            ...(i % 10 === 3 ? { pins: ["0"] } : {}),  // some pinned by hand to CPU 0: all collide
        }));
        const host = placeHost(big, 64);
        const plan = planHost(host, guests, { memMode: "restrictive", replanAll: false });
        expectSound(plan, big, 64 * 1024 * 1024);
        expect(plan.refused).toEqual([]);
        expect(plan.placed.length + plan.stayed.length).toBe(200);
        expect(plan.stayed.map(s => s.name)).toEqual(["vm003"]);
        for (const p of plan.placed) expect(topologyNodesOf(big, cpusetUnion(...p.placement.vcpus.values()))).toHaveLength(1);
        // balanced: CPUs owned per node differ by at most a guest's size
        const perNode = [0, 1].map(n => [...ownersAfter(plan).keys()].filter(c => big.cpus.get(c)!.node === n).length);
        expect(Math.abs(perNode[0]! - perNode[1]!)).toBeLessThanOrEqual(2);
        const again = planHost(host, [...guests].reverse(), { memMode: "restrictive", replanAll: false });
        const view = (p: HostPlan) => p.placed.map(x => [x.guest.key, [...x.placement.vcpus.values()]]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
        expect(view(again)).toEqual(view(plan));
    });

    it("a guest is placed well when each vCPU owns one CPU and its vCPUs (or each cell's) sit on one node", () => {
        expect(guestPlacedWell(guest({ name: "a", vcpus: 2, pins: ["1", "3"] }), article)).toBe(true);
        expect(guestPlacedWell(guest({ name: "a", vcpus: 2, pins: ["1", "1"] }), article)).toBe(false);
        expect(guestPlacedWell(guest({ name: "a", vcpus: 2, pins: ["1", "0"] }), article)).toBe(false);
        expect(guestPlacedWell(guest({ name: "a", vcpus: 2, pins: ["1,3", "3"] }), article)).toBe(false);
        expect(guestPlacedWell(guest({ name: "a", vcpus: 2, pins: ["1", "0"], cells: [{ cpus: "0", memMiB: 1 }, { cpus: "1", memMiB: 1 }] }), article)).toBe(true);
    });
});
