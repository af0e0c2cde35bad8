import { describe, expect, it } from "vitest";
import { alignOps, alignStragglers, alignUndoOps, alignVerify } from "../../src/model/align";
import { planAlign } from "../../src/model/plan";
import { guestThreads } from "../../src/model/threads";
import { guestOf, hostOf, snapshotOf } from "./fixtures";

const host = hostOf("article-4node");
const ARTICLE = [1, 3, 5, 7, 9, 11];

function articlePlan() {
    const live = guestOf("rhel64-live"), saved = guestOf("rhel64-inactive");
    const plan = planAlign({ host, state: "running", persistent: true, live, saved, policy: { kind: "node" } });
    if (plan.kind !== "change") throw new Error("expected a change");
    return { plan, live, saved };
}

describe("alignOps", () => {
    it("the article's guest: live, then config, to 1,3,5,7,9,11, remembering it was unpinned", () => {
        const { plan, live, saved } = articlePlan();
        const ops = alignOps({ plan, options: { iothreads: false }, host, live, saved });
        expect(ops.map(o => o.kind === "emulator" && [o.where, o.flag, o.target, o.previousPinned])).toEqual([
            ["live", 1, ARTICLE, false], ["config", 2, ARTICLE, false],
        ]);
    });

    it("adds I/O thread pins on the same target when asked, only where they differ", () => {
        const live = guestOf("iothreads-numatune");
        live.emulatorpin = null;
        const plan = planAlign({ host, state: "running", persistent: false, live, saved: null, policy: { kind: "node" } });
        if (plan.kind !== "change") throw new Error("expected a change");
        const ops = alignOps({ plan, options: { iothreads: true }, host, live, saved: null });
        expect(ops.map(o => o.kind === "iothread" ? [o.id, o.where, o.target, o.previousPinned] : o.kind)).toEqual([
            "emulator", [1, "live", ARTICLE, true], [3, "live", ARTICLE, false],
        ]);
        expect(alignOps({ plan, options: { iothreads: false }, host, live, saved: null }).map(o => o.kind)).toEqual(["emulator"]);
    });
});

describe("alignUndoOps", () => {
    it("reverses the applied ops, last first, and says which groups had no pin to restore", () => {
        const { plan, live, saved } = articlePlan();
        const ops = alignOps({ plan, options: { iothreads: false }, host, live, saved });
        const undo = alignUndoOps(ops);
        expect(undo.ops.map(o => o.kind === "emulator" && [o.where, o.target.length])).toEqual([["config", 24], ["live", 24]]);
        expect(undo.restoredInstead.map(o => o.kind === "emulator" && o.where)).toEqual(["config", "live"]);
    });

    it("puts moved threads back on their own previous CPUs", () => {
        const move = { kind: "move-threads" as const, tids: [1, 2, 3], target: ARTICLE, previous: new Map([[1, [0, 1]], [2, [0, 1]], [3, [4]]]) };
        const { ops, restoredInstead } = alignUndoOps([move]);
        expect(ops.map(o => o.kind === "move-threads" && [o.tids, o.target])).toEqual([[[1, 2], [0, 1]], [[3], [4]]]);
        expect(restoredInstead).toEqual([]);
    });
});

describe("alignVerify", () => {
    it("lists the vhost kernel thread that did not follow, and moving it is the next step", () => {
        const threads = guestThreads(snapshotOf("legacy-vhost-kthread"), "rhel64")!;
        const v = alignVerify(threads, ARTICLE, { iothreads: false });
        expect(v.ok).toBe(false);
        expect(v.checked.map(t => t.comm)).toEqual(["qemu-system-x86", "qemu-system-x86", "IO mon_iothread", "vhost-4242"]);
        expect(v.notFollowing.map(t => t.tid)).toEqual([4248]);
        const move = alignStragglers(v, ARTICLE);
        expect(move).toMatchObject({ kind: "move-threads", tids: [4248], target: ARTICLE });
        expect(move!.kind === "move-threads" && [...move!.previous]).toEqual([[4248, Array.from({ length: 24 }, (_, i) => i)]]);
    });

    it("passes when every emulator-group thread is on the target", () => {
        const threads = guestThreads(snapshotOf("legacy-vhost-kthread"), "rhel64")!.filter(t => t.comm !== "vhost-4242");
        const v = alignVerify(threads, ARTICLE, { iothreads: false });
        expect(v.ok).toBe(true);
        expect(v.checked).toHaveLength(3);
        expect(alignStragglers(v, ARTICLE)).toBeNull();
    });

    it("is not verified when no thread could be checked", () => {
        expect(alignVerify([], ARTICLE, { iothreads: false }).ok).toBe(false);
    });
});
