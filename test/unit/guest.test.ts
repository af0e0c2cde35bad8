import { describe, expect, it } from "vitest";
import { guestEffective, guestParse } from "../../src/model/guest";
import { guestOf, hostOf } from "./fixtures";

describe("guestParse", () => {
    it("reads the article's guest", () => {
        const g = guestOf("rhel64-live");
        expect(g).toMatchObject({ name: "rhel64", id: 5, vcpuMax: 2, vcpuCurrent: 2, placement: "static", vcpuCpuset: null, emulatorpin: null });
        expect([...g.vcpupins]).toEqual([[0, [1]], [1, [3]]]);
        expect(guestOf("rhel64-inactive").id).toBeNull();
    });

    it("reads I/O threads, their pins, numatune, memnodes and guest NUMA cells", () => {
        const g = guestOf("iothreads-numatune");
        expect(g.vcpuMax).toBe(4);
        expect(g.vcpuCurrent).toBe(2);
        expect(g.iothreadIds).toEqual([1, 3]);
        expect([...g.iothreadpins]).toEqual([[1, [0, 2]]]);
        expect(g.emulatorpin).toEqual([1, 3, 5, 7, 9, 11]);
        expect(g.numatune).toEqual({ mode: "strict", nodeset: [0], placement: "static", memnodes: [{ cellid: 0, mode: "strict", nodeset: [0] }] });
        expect(g.cells).toEqual([{ id: 0, cpus: [0, 1, 2, 3], memoryKiB: 8 * 1024 * 1024 }]);
    });

    it("counts <iothreads> without <iothreadids> as ids 1..N", () => {
        const g = guestParse("<domain><name>x</name><vcpu>1</vcpu><iothreads>2</iothreads></domain>");
        expect(g.iothreadIds).toEqual([1, 2]);
    });

    it("reports a malformed pin instead of failing", () => {
        const g = guestOf("malformed-pin");
        expect(g.vcpupins.size).toBe(0);
        expect(g.problems).toEqual([{ kind: "cpuset", element: "vcpupin 0", problem: { kind: "reversed-range", part: "3-1" } }]);
    });

    it("bounds counts beyond what libvirt allows, as a problem of this guest, without looping over them", () => {
        const g = guestParse("<domain><name>x</name><vcpu current='100000000'>100000000</vcpu><iothreads>5000000000</iothreads></domain>");
        expect([g.vcpuMax, g.vcpuCurrent, g.iothreadIds]).toEqual([1, 1, []]);
        expect(g.problems.map(p => p.kind === "count" && [p.element, p.value])).toEqual([
            ["vcpu", "100000000"], ["vcpu current", "100000000"], ["iothreads", "5000000000"],
        ]);
    });

    it("keeps a hostile name as text", () => {
        const name = `<b>x</b> "q" 'a' & $(rm -rf /); \`id\``;
        const xml = `<domain><name>${name.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</name><vcpu>1</vcpu></domain>`;
        expect(guestParse(xml).name).toBe(name);
    });
});

describe("guestEffective: libvirt's fallback chain", () => {
    const host = hostOf("article-4node");

    it("pin first, then every online CPU", () => {
        const e = guestEffective(guestOf("rhel64-live"), host);
        expect(e.vcpus.get(0)).toEqual({ cpus: [1], source: "pin" });
        expect(e.vcpus.get(1)).toEqual({ cpus: [3], source: "pin" });
        expect(e.emulator.source).toBe("all");
        expect(e.emulator.cpus).toHaveLength(24);
    });

    it("<vcpu cpuset> when there is no pin, for vCPUs and emulator alike", () => {
        const e = guestEffective(guestOf("vcpu-cpuset"), host);
        expect(e.vcpus.get(1)).toEqual({ cpus: [1, 3, 5, 7, 9, 11], source: "vcpu-cpuset" });
        expect(e.emulator).toEqual({ cpus: [1, 3, 5, 7, 9, 11], source: "vcpu-cpuset" });
    });

    it("placement auto: numad's nodeset, ignoring <vcpu cpuset>; unknown nodeset means every online CPU", () => {
        const g = guestOf("auto-placement");
        expect(g.placement).toBe("auto");
        const e = guestEffective(g, host, [2]);
        expect(e.vcpus.get(3)).toEqual({ cpus: [13, 15, 17, 19, 21, 23], source: "auto" });
        expect(e.emulator.source).toBe("auto");
        expect(guestEffective(g, host).emulator.source).toBe("all");
    });

    it("only current vCPUs get threads; I/O threads fall back like the rest", () => {
        const e = guestEffective(guestOf("iothreads-numatune"), host);
        expect([...e.vcpus.keys()]).toEqual([0, 1]);
        expect(e.iothreads.get(1)).toEqual({ cpus: [0, 2], source: "pin" });
        expect(e.iothreads.get(3)!.source).toBe("all");
    });

    it("every online CPU skips offline ones", () => {
        const e = guestEffective(guestOf("rhel64-live"), hostOf("offline-cpus"));
        expect(e.emulator.cpus).toEqual([0, 1, 2, 3, 4, 5]);
    });
});
