import { describe, expect, it } from "vitest";
import { guestParse } from "../../src/model/guest";
import { planAlign, type PlanInput } from "../../src/model/plan";
import { guestOf, hostOf } from "./fixtures";

const article = hostOf("article-4node");
const base = (over: Partial<PlanInput>): PlanInput => ({
    host: article, state: "running", persistent: true, live: guestOf("rhel64-live"), saved: guestOf("rhel64-inactive"),
    policy: { kind: "node" }, ...over,
});

describe("planAlign", () => {
    it("the article's guest: exactly 1,3,5,7,9,11, live then config — the article's own commands", () => {
        const plan = planAlign(base({}));
        expect(plan.kind).toBe("change");
        if (plan.kind !== "change") return;
        expect(plan.steps.map(s => [s.where, s.target])).toEqual([
            ["live", [1, 3, 5, 7, 9, 11]],
            ["config", [1, 3, 5, 7, 9, 11]],
        ]);
        expect(plan.steps[0]!.currentPinned).toBe(false);
    });

    it("steps follow state and persistence", () => {
        const transient = planAlign(base({ persistent: false, saved: null }));
        expect(transient.kind === "change" && transient.steps.map(s => s.where)).toEqual(["live"]);
        const off = planAlign(base({ state: "shutoff", live: null }));
        expect(off.kind === "change" && off.steps.map(s => s.where)).toEqual(["config"]);
    });

    it("only the step that is not aligned yet: live pinned already, config not", () => {
        const live = guestOf("rhel64-live");
        live.emulatorpin = [1, 3];
        const plan = planAlign(base({ live }));
        expect(plan.kind === "change" && plan.steps.map(s => s.where)).toEqual(["config"]);
        expect(plan.kind === "change" && plan.unchanged).toEqual([{ where: "live", target: [1, 3, 5, 7, 9, 11] }]);
    });

    it("nothing to do when aligned", () => {
        const live = guestOf("rhel64-live"), saved = guestOf("rhel64-inactive");
        live.emulatorpin = saved.emulatorpin = [1, 3, 5, 7, 9, 11];
        expect(planAlign(base({ live, saved })).kind).toBe("nothing");
    });

    it("each step's target comes from its own XML's vCPUs", () => {
        const saved = guestOf("rhel64-inactive");
        saved.vcpupins = new Map([[0, [0]], [1, [2]]]);
        const plan = planAlign(base({ saved }));
        expect(plan.kind === "change" && plan.steps.map(s => s.target)).toEqual([[1, 3, 5, 7, 9, 11], [0, 2, 4, 6, 8, 10]]);
    });

    it("refuses when the vCPUs are unpinned, saying what to pin first", () => {
        const live = guestParse("<domain id='3'><name>u</name><vcpu>2</vcpu></domain>");
        expect(planAlign(base({ live, persistent: false, saved: null }))).toEqual({ kind: "refused", where: "live", refusal: { kind: "vcpus-unpinned" } });
    });

    it("refuses an empty housekeeping set", () => {
        const host = hostOf("lab-single-node");
        const live = guestParse("<domain id='3'><name>h</name><vcpu>2</vcpu><cputune><vcpupin vcpu='0' cpuset='0'/><vcpupin vcpu='1' cpuset='1'/></cputune></domain>");
        expect(planAlign({ host, state: "running", persistent: false, live, saved: null, policy: { kind: "housekeeping" } }))
            .toEqual({ kind: "refused", where: "live", refusal: { kind: "housekeeping-empty", nodes: [0] } });
    });

    it("refuses a target with only offline CPUs", () => {
        const host = hostOf("offline-cpus");
        const live = guestParse("<domain id='3'><name>o</name><vcpu>1</vcpu><cputune><vcpupin vcpu='0' cpuset='6'/></cputune></domain>");
        expect(planAlign({ host, state: "running", persistent: false, live, saved: null, policy: { kind: "vcpus" } }))
            .toEqual({ kind: "refused", where: "live", refusal: { kind: "no-online-cpu", cpus: [6] } });
    });

    it.each([
        ["", { kind: "custom-malformed", problem: { kind: "empty-input" } }],
        ["1,,3", { kind: "custom-malformed", problem: { kind: "empty-term", part: "1,,3" } }],
        ["40", { kind: "custom-malformed", problem: { kind: "beyond-host", part: "40", cpu: 40, cpuCount: 24 } }],
    ])("refuses the custom list %j", (cpus, refusal) => {
        expect(planAlign(base({ policy: { kind: "custom", cpus } }))).toEqual({ kind: "refused", where: "live", refusal });
    });

    it("refuses a custom list with offline CPUs", () => {
        const host = hostOf("offline-cpus");
        expect(planAlign(base({ host, policy: { kind: "custom", cpus: "4-7" } })))
            .toEqual({ kind: "refused", where: "live", refusal: { kind: "custom-offline", cpus: [6, 7] } });
    });

    it("custom: a pin inside the list but not equal to it still changes", () => {
        const live = guestOf("rhel64-live"), saved = guestOf("rhel64-inactive");
        live.emulatorpin = saved.emulatorpin = [1];
        const plan = planAlign(base({ live, saved, policy: { kind: "custom", cpus: "1,3" } }));
        expect(plan.kind === "change" && plan.steps.map(s => s.target)).toEqual([[1, 3], [1, 3]]);
    });
});
