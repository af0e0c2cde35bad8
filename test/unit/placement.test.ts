import { describe, expect, it } from "vitest";
import { guestParse, type GuestConfig } from "../../src/model/guest";
import { placementCompute, type GuestPlacementInput } from "../../src/model/placement";
import { policyParse } from "../../src/model/policy";
import { guestThreads } from "../../src/model/threads";
import { guestOf, hostOf, snapshotOf } from "./fixtures";

const article = hostOf("article-4node");
const withPins = (g: GuestConfig, pins: { vcpus?: number[][]; emulator?: number[] | null }) => {
    const c = structuredClone(g);
    if (pins.vcpus) c.vcpupins = new Map(pins.vcpus.map((s, i) => [i, s]));
    if (pins.emulator !== undefined) c.emulatorpin = pins.emulator;
    return c;
};
const run = (over: Partial<GuestPlacementInput> & { config: GuestConfig }) =>
    placementCompute({ host: article, state: "running", persistent: true, policy: { kind: "node" }, ...over });

describe("verdicts on the article's host", () => {
    it("the article's 'before': emulator on nodes 0, 1 and 2, away from the vCPUs on node 3", () => {
        const p = run({ config: guestOf("rhel64-live"), saved: guestOf("rhel64-inactive") });
        expect(p.vcpus.nodes).toEqual([3]);
        expect(p.emulator.nodes).toEqual([0, 1, 2, 3]);
        expect(p.verdict).toMatchObject({ kind: "emulator-elsewhere", nodes: [0, 1, 2] });
        expect(p.target).toEqual({ ok: true, cpus: [1, 3, 5, 7, 9, 11], llcFallback: false });
    });

    it("an aligned guest whose vCPUs own CPUs another guest owns too: Shares CPUs, naming it; the emulator outranks it", () => {
        const after = withPins(guestOf("rhel64-live"), { emulator: [1, 3, 5, 7, 9, 11] });
        const p = run({ config: after, saved: after, sharing: [{ cpu: 3, others: ["rhel65"] }] });
        expect(p.verdict).toEqual({ kind: "shares-cpus", cpus: [3], others: ["rhel65"] });
        const before = run({ config: guestOf("rhel64-live"), saved: guestOf("rhel64-inactive"), sharing: [{ cpu: 3, others: ["rhel65"] }] });
        expect(before.verdict.kind).toBe("emulator-elsewhere");
        expect(before.findings.map(f => f.kind)).toContain("shares-cpus");
        // a shut-off guest competes with no one
        expect(run({ config: after, state: "shutoff", sharing: [{ cpu: 3, others: ["rhel65"] }] }).verdict.kind).toBe("aligned");
    });

    it("memory measured by the kernel: more than 10% off the vCPUs' nodes is Memory on other nodes, with how much and where", () => {
        const after = withPins(guestOf("rhel64-live"), { emulator: [1, 3, 5, 7, 9, 11] });
        const MiB = 1024;
        // vCPUs on node 3; 80 MiB on node 3, 20 MiB on node 0: 80% local
        const away = run({ config: after, saved: after, memory: new Map([[3, 80 * MiB], [0, 20 * MiB]]) });
        expect(away.memory).toEqual({ byNode: new Map([[3, 80 * MiB], [0, 20 * MiB]]), totalKiB: 100 * MiB, local: 0.8 });
        expect(away.verdict).toEqual({ kind: "memory-elsewhere", nodes: [0], measured: { offKiB: 20 * MiB, totalKiB: 100 * MiB } });
        // 95% local: within the threshold
        expect(run({ config: after, saved: after, memory: new Map([[3, 95 * MiB], [0, 5 * MiB]]) }).verdict.kind).toBe("aligned");
        // the kernel's count wins over numatune: bound elsewhere, but all of it local
        const bound = structuredClone(after);
        bound.numatune = { mode: "strict", nodeset: [0], placement: "static", memnodes: [] };
        expect(run({ config: bound, saved: bound, memory: new Map([[3, 64 * MiB]]) }).verdict.kind).toBe("aligned");
        expect(run({ config: bound, saved: bound }).verdict).toEqual({ kind: "memory-elsewhere", nodes: [0] });
        // unpinned vCPUs: nothing is local or remote; a shut-off guest has no measured memory
        const loose = run({ config: withPins(guestOf("rhel64-live"), { vcpus: [] }), memory: new Map([[0, 64 * MiB]]) });
        expect(loose.memory?.local).toBeNull();
        expect(run({ config: after, state: "shutoff", memory: new Map([[0, 64 * MiB]]) }).memory).toBeNull();
    });

    it("the article's 'after': aligned", () => {
        const live = withPins(guestOf("rhel64-live"), { emulator: [1, 3, 5, 7, 9, 11] });
        const saved = withPins(guestOf("rhel64-inactive"), { emulator: [1, 3, 5, 7, 9, 11] });
        const p = run({ config: live, saved });
        expect(p.findings).toEqual([{ kind: "aligned" }]);
    });

    it("vCPUs not pinned: no target", () => {
        const p = run({ config: withPins(guestOf("rhel64-live"), { vcpus: [] }) });
        expect(p.verdict.kind).toBe("vcpus-unpinned");
        expect(p.target).toEqual({ ok: false, refusal: { kind: "vcpus-unpinned" } });
    });

    it("vCPUs across nodes 0 and 3", () => {
        const p = run({ config: guestOf("spans-nodes") });
        expect(p.verdict).toEqual({ kind: "vcpus-span", nodes: [0, 3] });
    });

    it("memory (numatune) on a node the vCPUs do not use", () => {
        const g = withPins(guestOf("iothreads-numatune"), {});
        const p = run({ config: g });
        expect(p.memoryNodes).toEqual([0]);
        expect(p.findings.map(f => f.kind)).toContain("memory-elsewhere");
        expect(p.findings.find(f => f.kind === "memory-elsewhere")).toEqual({ kind: "memory-elsewhere", nodes: [0] });
    });

    it("not persisted: the live emulatorpin differs from the saved one", () => {
        const live = withPins(guestOf("rhel64-live"), { emulator: [1, 3, 5, 7, 9, 11] });
        const p = run({ config: live, saved: guestOf("rhel64-inactive") });
        expect(p.verdict).toEqual({ kind: "not-persisted", groups: ["emulator"] });
        // a transient guest has nothing to persist
        expect(run({ config: live, saved: null, persistent: false }).verdict.kind).toBe("aligned");
    });

    it("drift: the vhost worker left behind by a live emulatorpin", () => {
        const live = withPins(guestOf("rhel64-live"), { emulator: [1, 3, 5, 7, 9, 11] });
        const threads = guestThreads(snapshotOf("legacy-vhost-kthread"), "rhel64");
        const p = run({ config: live, saved: live, threads });
        expect(p.verdict.kind).toBe("drift");
        expect(p.verdict.kind === "drift" && p.verdict.threads.map(d => [d.thread.comm, d.expected])).toEqual([["vhost-4242", [1, 3, 5, 7, 9, 11]]]);
        expect(p.kernel!.nodes).toEqual([0, 1, 2, 3]);
        // threads of a shut-off guest are never considered
        expect(run({ config: live, saved: live, threads, state: "shutoff" }).verdict.kind).toBe("aligned");
    });

    it("the emulator's verdict comes before drift, drift before the rest", () => {
        const threads = guestThreads(snapshotOf("legacy-vhost-kthread"), "rhel64");
        const p = run({ config: guestOf("rhel64-live"), threads });
        expect(p.findings.map(f => f.kind)).toEqual(["emulator-elsewhere", "drift"]);
    });
});

describe("policies", () => {
    it("llc: on a host with several L3s per node, the emulator on the vCPUs' node but another L3 is misaligned", () => {
        const host = hostOf("epyc-multi-llc");
        const g = guestParse(`<domain><name>g</name><vcpu>2</vcpu><cputune><vcpupin vcpu='0' cpuset='0'/><vcpupin vcpu='1' cpuset='16'/>
            <emulatorpin cpuset='4-7'/></cputune></domain>`);
        const base = { host, state: "running" as const, persistent: false, config: g };
        expect(placementCompute({ ...base, policy: { kind: "node" } }).verdict.kind).toBe("aligned");
        const llc = placementCompute({ ...base, policy: { kind: "llc" } });
        expect(llc.verdict).toMatchObject({ kind: "emulator-elsewhere", nodes: [], llcs: [1] });
        expect(llc.target).toMatchObject({ ok: true, cpus: [0, 1, 2, 3, 16, 17, 18, 19] });
    });

    it("llc on a host without cache banks falls back to nodes, and says so", () => {
        const host = hostOf("test-driver");
        const g = guestParse(`<domain><name>g</name><vcpu>1</vcpu><cputune><vcpupin vcpu='0' cpuset='3'/></cputune></domain>`);
        const p = placementCompute({ host, state: "running", persistent: false, config: g, policy: { kind: "llc" } });
        expect(p.target).toEqual({ ok: true, cpus: [0, 1, 2, 3, 4, 5, 6, 7], llcFallback: true });
    });

    it("vcpus and housekeeping on a 2-socket SMT host", () => {
        const host = hostOf("two-socket-smt");
        const g = guestParse(`<domain><name>g</name><vcpu>2</vcpu><cputune><vcpupin vcpu='0' cpuset='1'/><vcpupin vcpu='1' cpuset='9'/>
            <emulatorpin cpuset='1,9'/></cputune></domain>`);
        const base = { host, state: "running" as const, persistent: false, config: g };
        expect(placementCompute({ ...base, policy: { kind: "vcpus" } }).verdict.kind).toBe("aligned");
        const hk = placementCompute({ ...base, policy: { kind: "housekeeping" } });
        expect(hk.target).toMatchObject({ ok: true, cpus: [0, 2, 3, 8, 10, 11] });
        expect(hk.verdict).toMatchObject({ kind: "emulator-elsewhere", cpus: [1, 9], nodes: [] });
    });

    it("custom: a malformed list is a refusal, not a verdict", () => {
        const p = placementCompute({ host: article, state: "running", persistent: false, config: guestOf("rhel64-live"), policy: policyParse("custom", "3-1") });
        expect(p.target).toEqual({ ok: false, refusal: { kind: "custom-malformed", problem: { kind: "reversed-range", part: "3-1" } } });
    });

    it("unknown policy names fall back to node", () => {
        expect(policyParse("bogus")).toEqual({ kind: "node" });
        expect(policyParse("llc")).toEqual({ kind: "llc" });
    });
});

describe("single-node host (this lab)", () => {
    const host = hostOf("lab-single-node");
    const g = guestParse(`<domain><name>g</name><vcpu>1</vcpu><cputune><vcpupin vcpu='0' cpuset='1'/></cputune></domain>`);
    const base = { host, state: "running" as const, persistent: false, config: g };

    it("under the node policy everything shares the node: say so", () => {
        expect(placementCompute({ ...base, policy: { kind: "node" } }).findings).toEqual([{ kind: "single-node" }]);
        const unpinned = guestParse(`<domain><name>u</name><vcpu>1</vcpu></domain>`);
        expect(placementCompute({ ...base, config: unpinned, policy: { kind: "node" } }).verdict.kind).toBe("single-node");
    });

    it("the stricter policies still apply", () => {
        expect(placementCompute({ ...base, policy: { kind: "vcpus" } }).verdict).toMatchObject({ kind: "emulator-elsewhere", cpus: [0] });
        const unpinned = guestParse(`<domain><name>u</name><vcpu>1</vcpu></domain>`);
        expect(placementCompute({ ...base, config: unpinned, policy: { kind: "vcpus" } }).verdict.kind).toBe("vcpus-unpinned");
    });
});

describe("memory-only and offline", () => {
    it("numatune on a memory-only node is memory elsewhere", () => {
        const host = hostOf("memory-only-node");
        const g = guestParse(`<domain><name>g</name><vcpu>1</vcpu><cputune><vcpupin vcpu='0' cpuset='1'/><emulatorpin cpuset='0-3'/></cputune>
            <numatune><memory mode='preferred' nodeset='2'/></numatune></domain>`);
        const p = placementCompute({ host, state: "running", persistent: false, config: g, policy: { kind: "node" } });
        expect(p.verdict).toEqual({ kind: "memory-elsewhere", nodes: [2] });
    });

    it("the node target leaves offline CPUs out", () => {
        const host = hostOf("offline-cpus");
        const g = guestParse(`<domain><name>g</name><vcpu>1</vcpu><cputune><vcpupin vcpu='0' cpuset='4'/></cputune></domain>`);
        const p = placementCompute({ host, state: "shutoff", persistent: true, config: g, policy: { kind: "node" } });
        expect(p.target).toMatchObject({ ok: true, cpus: [4, 5] });
        expect(p.verdict).toMatchObject({ kind: "emulator-elsewhere", nodes: [0] });
    });
});

describe("kernel workers group", () => {
    it("holds vhost and kvm-nx-lpage-re threads, not kvm-pit", () => {
        const live = withPins(guestOf("rhel64-live"), { emulator: [1, 3, 5, 7, 9, 11] });
        const threads = guestThreads(snapshotOf("legacy-vhost-kthread"), "rhel64")!;
        const p = run({ config: live, saved: live, threads: threads.filter(t => t.comm !== "vhost-4242") });
        expect(p.kernel).toBeNull();
        expect(run({ config: live, saved: live, threads }).kernel!.cpus).toHaveLength(24);
    });
});
