import { describe, expect, it } from "vitest";
import { MEMTUNE_NONE } from "../../src/model/numatune";
import { commandText, opCommands, planConflicts, planUndo, planVerify, type ChangeOp } from "../../src/model/change";
import { guestParse } from "../../src/model/guest";
import { numatuneXmlSet } from "../../src/model/numatune";
import { placeGuest, takenNone } from "../../src/model/place";
import { placeChange } from "../../src/model/placechange";
import { guest as domain, domainXml, placeHost } from "./domains";
import { guestOf, hostOf } from "./fixtures";

// the article's host (capabilities/article-4node.xml) and its guest before the fix (domains/rhel64-*.xml: vCPUs on
// CPUs 1 and 3 of node 3, no emulatorpin, no numatune)
const host = hostOf("article-4node");
const ref = { connection: "system" as const, path: "/org/libvirt/QEMU/domain/_x", name: "web 1" };

function placed(config = domain({ name: "web 1", vcpus: 2 }), nodes = [0]) {
    const r = placeGuest(placeHost(host), takenNone(), config, { vcpuMode: "one-per-vcpu", memMode: "restrictive", nodes });
    if (!r.ok) throw new Error(r.refusal.kind);
    return r.placement;
}

describe("a placement as a change plan", () => {
    it("a running persistent guest: vCPUs, emulator and memory, live first, then the saved config", () => {
        const config = domain({ name: "web 1", vcpus: 2 });
        const c = placeChange({ guest: ref, host, live: { ...config, id: 3 }, saved: config, policy: { kind: "node" }, placement: placed(config) });
        expect(c.ok).toBe(true);
        if (!c.ok) return;
        expect(c.plan.ops.map(o => `${o.kind}${"id" in o ? o.id : ""}-${o.where}`)).toEqual([
            "vcpu0-live", "vcpu1-live", "emulator-live", "vcpu0-config", "vcpu1-config", "emulator-config", "numatune-config",
        ]);
        expect(c.emulator).toEqual([0, 2, 4, 6, 8, 10]);
        expect(c.plan.ops.flatMap(o => opCommands(o, ref)).map(commandText)).toEqual([
            "virsh vcpupin 'web 1' 0 0 --live", "virsh vcpupin 'web 1' 1 2 --live", "virsh emulatorpin 'web 1' 0,2,4,6,8,10 --live",
            "virsh vcpupin 'web 1' 0 0 --config", "virsh vcpupin 'web 1' 1 2 --config", "virsh emulatorpin 'web 1' 0,2,4,6,8,10 --config",
            "virsh numatune 'web 1' --mode restrictive --nodeset 0 --config",
        ]);
    });

    it("leaves out what is already in place; a shut-off guest gets its saved config only", () => {
        const saved = guestOf("rhel64-inactive");
        const c = placeChange({ guest: ref, host, live: null, saved, policy: { kind: "vcpus" }, placement: placed(saved, [3]) });
        // vCPUs 1 and 3 are where the placement puts them? it picks 1 and 3 on node 3 (one thread per core, lowest first)
        expect(c.ok && c.plan.ops.map(o => o.kind)).toEqual(["emulator", "numatune"]);
        expect(c.ok && c.unchanged).toBe(2);
        expect(c.ok && c.plan.ops.every(o => o.where === "config")).toBe(true);
    });

    it("refuses when the policy has no target (housekeeping with every CPU of the node used)", () => {
        const config = domain({ name: "g", vcpus: 6 });
        const c = placeChange({ guest: ref, host, live: null, saved: config, policy: { kind: "housekeeping" }, placement: placed(config, [3]) });
        expect(c).toEqual({ ok: false, refusal: { kind: "housekeeping-empty", nodes: [3] } });
    });

    it("guest NUMA cells: memnodes written by editing the saved XML (virt-xml as the equivalent)", () => {
        const config = domain({ name: "web 1", vcpus: 2, cells: [{ cpus: "0", memMiB: 512 }, { cpus: "1", memMiB: 512 }] });
        const c = placeChange({ guest: ref, host, live: null, saved: config, policy: { kind: "node" }, placement: placed(config, [0, 3]) });
        const nt = c.ok ? c.plan.ops.find(o => o.kind === "numatune")! : null;
        expect(nt && opCommands(nt, ref).map(commandText)).toEqual([
            "virt-xml 'web 1' --edit --numatune clearxml=yes,mode=restrictive,nodeset=0,3,memnode0.cellid=0,memnode0.mode=restrictive,memnode0.nodeset=0,memnode1.cellid=1,memnode1.mode=restrictive,memnode1.nodeset=3",
        ]);
    });
});

describe("vCPU and memory operations in the engine's model", () => {
    const config = domain({ name: "web 1", vcpus: 2 });
    const live = { ...config, id: 3 };
    const c = placeChange({ guest: ref, host, live, saved: config, policy: { kind: "node" }, placement: placed(config) });
    const plan = c.ok ? c.plan : { guest: ref, ops: [] };
    const after = guestParse(domainXml({ name: "web 1", vcpus: 2, pins: ["0", "2"] })
        .replace("</cputune>", "<emulatorpin cpuset='0,2,4,6,8,10'/></cputune>")
        .replace("</domain>", "<numatune><memory mode='restrictive' nodeset='0'/></numatune></domain>"));

    it("goes stale when someone pinned a vCPU or bound the memory since the preview", () => {
        expect(planConflicts(plan, { live, saved: config }, host, "before")).toEqual([]);
        const moved = guestParse(domainXml({ name: "web 1", vcpus: 2, pins: ["5"] }));
        const conflicts = planConflicts(plan, { live, saved: moved }, host, "before");
        expect(conflicts.map(x => [x.op.kind, x.found])).toEqual([["vcpu", [5]]]);
        const bound = guestParse(domainXml({ name: "web 1", vcpus: 2 }).replace("</domain>", "<numatune><memory mode='strict' nodeset='2'/></numatune></domain>"));
        expect(planConflicts(plan, { live, saved: bound }, host, "before").map(x => [x.op.kind, x.found])).toEqual([
            ["numatune", { mode: "strict", nodeset: [2], memnodes: [] }],
        ]);
    });

    it("verifies the saved numatune and vcpupins from the re-read XML", () => {
        const config = plan.ops.filter(o => o.where === "config");
        expect(planVerify(config, null, after, host).map(x => x.status)).toEqual(["verified", "verified", "verified", "verified"]);
        const checks = planVerify(config, null, config.length ? guestParse(domainXml({ name: "web 1", vcpus: 2, pins: ["0", "2"] })) : null, host);
        expect(checks.find(x => x.op.kind === "numatune")).toMatchObject({ status: "mismatch", saved: MEMTUNE_NONE });
    });

    it("Undo removes a binding that was not there, by editing the XML", () => {
        const applied = plan.ops.filter(o => o.kind === "numatune");
        const undo = planUndo(plan, applied).plan.ops[0] as Extract<ChangeOp, { kind: "numatune" }>;
        expect(undo.after).toEqual(MEMTUNE_NONE);
        expect(opCommands(undo, ref).map(commandText)).toEqual(["virt-xml 'web 1' --edit --numatune clearxml=yes"]);
        expect(planConflicts({ guest: ref, ops: applied }, { live, saved: after }, host, "after")).toEqual([]);
    });

    it("the XML edit replaces only <numatune>, and removes it for no binding", () => {
        const xml = `<domain type='kvm'><name>a&amp;b</name><devices><graphics type='vnc' passwd='s3cret'/></devices>` +
            `<numatune><memory mode='strict' nodeset='1'/></numatune></domain>`;
        const out = numatuneXmlSet(xml, { mode: "restrictive", nodeset: [0, 3], memnodes: [{ cellid: 0, mode: "restrictive", nodeset: [0] }] });
        const g = guestParse(out);
        expect(g.name).toBe("a&b");
        expect(g.numatune).toEqual({ mode: "restrictive", nodeset: [0, 3], placement: "static", memnodes: [{ cellid: 0, mode: "restrictive", nodeset: [0] }] });
        expect(out).toContain("passwd=\"s3cret\"");
        expect(out.match(/<numatune/g)).toHaveLength(1);
        expect(guestParse(numatuneXmlSet(out, MEMTUNE_NONE)).numatune).toBeNull();
    });
});
