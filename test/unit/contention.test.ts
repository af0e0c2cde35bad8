import { describe, expect, it } from "vitest";
import { contentionCompute, contentionOverlaps, contentionOwnerGuests } from "../../src/model/contention";
import { guestParse } from "../../src/model/guest";
import { guestOf, hostOf } from "./fixtures";

// the article's host (capabilities/article-4node.xml) with its rhel64 (domains/rhel64-live.xml: vCPUs on 1 and 3)
const host = hostOf("article-4node");
const rhel64 = { key: "system:/rhel64", name: "rhel64", config: guestOf("rhel64-live") };
const domain = (name: string, pins: string[], vcpus = pins.length) => ({
    key: `system:/${name}`, name,
    config: guestParse(`<domain><name>${name}</name><vcpu>${vcpus}</vcpu><cputune>${
        pins.map((p, i) => `<vcpupin vcpu='${i}' cpuset='${p}'/>`).join("")}</cputune></domain>`),
});

describe("contention", () => {
    it("a vCPU pinned to one CPU owns it; a vCPU allowed on several shares them all", () => {
        const wide = domain("wide", ["5-7"]);
        const c = contentionCompute(host, [rhel64, wide]);
        expect(c.get(1)!.owners.map(h => [h.name, h.vcpu])).toEqual([["rhel64", 0]]);
        expect(c.get(3)!.owners.map(h => [h.name, h.vcpu])).toEqual([["rhel64", 1]]);
        expect([5, 6, 7].map(cpu => c.get(cpu)!.sharers.map(h => h.name))).toEqual([["wide"], ["wide"], ["wide"]]);
        expect(c.get(5)!.owners).toEqual([]);
        expect(c.size).toBe(24);
    });

    it("an unpinned guest shares every online CPU, and owns none", () => {
        const loose = domain("loose", [], 2);
        const c = contentionCompute(host, [loose]);
        expect([...c.values()].every(u => u.owners.length === 0 && u.sharers.length === 2)).toBe(true);
    });

    it("names the other guests pinned to the same CPUs, on both sides", () => {
        const other = domain("rhel65", ["3", "9"]);
        const c = contentionCompute(host, [rhel64, other, domain("elsewhere", ["11"])]);
        expect(contentionOverlaps(rhel64.key, c)).toEqual([{ cpu: 3, others: ["rhel65"] }]);
        expect(contentionOverlaps(other.key, c)).toEqual([{ cpu: 3, others: ["rhel64"] }]);
        expect(contentionOverlaps("system:/elsewhere", c)).toEqual([]);
        expect(contentionOwnerGuests(c.get(3))).toBe(2);
        expect(contentionOwnerGuests(c.get(1))).toBe(1);
    });

    it("two vCPUs of one guest on one CPU are not two guests", () => {
        const c = contentionCompute(host, [domain("self", ["4", "4"])]);
        expect(c.get(4)!.owners).toHaveLength(2);
        expect(contentionOwnerGuests(c.get(4))).toBe(1);
        expect(contentionOverlaps("system:/self", c)).toEqual([]);
    });

    it("offline CPUs are not counted (offline-cpus.xml, with the online map libvirt gives saying 2 and 3 are offline)", () => {
        const offline = hostOf("offline-cpus", [true, true, false, false, true, true, true, true]);
        const c = contentionCompute(offline, [domain("g", ["2", "1-3"])]);
        expect(c.has(2)).toBe(false);
        expect(c.get(1)!.sharers.map(h => h.vcpu)).toEqual([]);
        expect(c.get(1)!.owners.map(h => h.vcpu)).toEqual([1]);
    });
});
