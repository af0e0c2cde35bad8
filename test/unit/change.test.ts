import { describe, expect, it } from "vitest";
import { alignChange } from "../../src/model/align";
import {
    commandText, opCommands, planConflicts, planStragglers, planUndo, planVerify, shellQuote, threadsConflicts,
    type ChangeOp, type ChangePlan,
} from "../../src/model/change";
import { planAlign } from "../../src/model/plan";
import { guestThreads } from "../../src/model/threads";
import { guestOf, hostOf, snapshotOf } from "./fixtures";

// the article's host and guest (test/fixtures/capabilities/article-4node.xml, domains/rhel64-*.xml), and a /proc
// snapshot of it after a live emulatorpin where the vhost kernel thread did not follow (snapshots/legacy-vhost-kthread.txt)
const host = hostOf("article-4node");
const ARTICLE = [1, 3, 5, 7, 9, 11];
const ALL = Array.from({ length: 24 }, (_, i) => i);
const guest = { connection: "system" as const, path: "/org/libvirt/QEMU/domain/_x", name: "rhel64" };

function articleChange(): { plan: ChangePlan; live: ReturnType<typeof guestOf>; saved: ReturnType<typeof guestOf> } {
    const live = guestOf("rhel64-live"), saved = guestOf("rhel64-inactive");
    const p = planAlign({ host, state: "running", persistent: true, live, saved, policy: { kind: "node" } });
    return { plan: { guest, ops: alignChange({ plan: p, iothreads: false, host, live, saved }) }, live, saved };
}

/** the guest after the plan's pins were written */
function pinned(config: ReturnType<typeof guestOf>, cpus: number[]) {
    return { ...config, emulatorpin: cpus };
}

describe("a plan goes stale when the guest changed since its preview", () => {
    it("applies when the guest still has what the preview showed", () => {
        const { plan, live, saved } = articleChange();
        expect(planConflicts(plan, { live, saved }, host, "before")).toEqual([]);
    });

    it("refuses when someone pinned the emulator meanwhile, naming the side and both values", () => {
        const { plan, live, saved } = articleChange();
        const c = planConflicts(plan, { live, saved: pinned(saved, [0]) }, host, "before");
        expect(c.map(x => [x.op.where, (x.expected as number[]).length, x.found])).toEqual([["config", 24, [0]]]);
    });

    it("refuses a live operation when the guest is no longer running", () => {
        const { plan, saved } = articleChange();
        expect(planConflicts(plan, { live: null, saved }, host, "before").map(x => [x.op.where, x.found])).toEqual([["live", null]]);
    });
});

describe("undo", () => {
    it("restores exactly what the plan recorded, last first, and says which groups had no pin", () => {
        const { plan } = articleChange();
        const { plan: undo, restoredInstead } = planUndo(plan, plan.ops);
        expect(undo.ops.map(o => o.kind === "emulator" && [o.where, o.before, o.after])).toEqual([["config", ARTICLE, ALL], ["live", ARTICLE, ALL]]);
        expect(restoredInstead.map(o => o.where)).toEqual(["config", "live"]);
        expect(undo.ops.flatMap(o => opCommands(o, guest)).map(commandText)).toEqual([
            "virsh emulatorpin rhel64 0-23 --config", "virsh emulatorpin rhel64 0-23 --live",
        ]);
    });

    it("is refused when the guest no longer has what the plan set", () => {
        const { plan, live, saved } = articleChange();
        const after = { live: pinned(live, ARTICLE), saved: pinned(saved, ARTICLE) };
        expect(planConflicts(plan, after, host, "after")).toEqual([]);
        const changed = { live: pinned(live, ARTICLE), saved: pinned(saved, [5]) };
        expect(planConflicts(plan, changed, host, "after").map(c => [c.op.where, c.found])).toEqual([["config", [5]]]);
    });

    it("puts moved threads back on their own previous CPUs", () => {
        const move: ChangeOp = { kind: "move-threads", where: "live", pid: 42, after: ARTICLE,
                                 threads: [{ tid: 1, before: [0, 1] }, { tid: 2, before: [0, 1] }, { tid: 3, before: [4] }] };
        const { plan: undo, restoredInstead } = planUndo({ guest, ops: [move] }, [move]);
        expect(undo.ops.map(o => o.kind === "move-threads" && [o.threads.map(t => t.tid), o.after])).toEqual([[[1, 2], [0, 1]], [[3], [4]]]);
        expect(restoredInstead).toEqual([]);
        expect(undo.ops.flatMap(o => opCommands(o, guest)).map(commandText)).toEqual(["taskset -pc 0-1 1", "taskset -pc 0-1 2", "taskset -pc 4 3"]);
    });
});

describe("thread moves touch only the guest's own threads", () => {
    const snap = snapshotOf("legacy-vhost-kthread");
    const threads = guestThreads(snap, "rhel64")!;
    const move = (tids: number[], pid = 4242): ChangePlan => ({
        guest, ops: [{ kind: "move-threads", where: "live", pid, after: ARTICLE, threads: tids.map(tid => ({ tid, before: ALL })) }],
    });

    it("moves a thread of the guest that still has the CPUs expected", () => {
        const r = threadsConflicts(move([4248]), threads, 4242, "before");
        expect(r.conflicts).toEqual([]);
        expect(r.ops).toHaveLength(1);
    });

    it("drops a thread that ended, and refuses one that is not on the CPUs expected", () => {
        const r = threadsConflicts(move([4248, 9999, 4245]), threads, 4242, "before");
        expect(r.ops[0]!.kind === "move-threads" && r.ops[0]!.threads.map(t => t.tid)).toEqual([4248]);
        expect(r.conflicts.map(c => c.found)).toEqual([[1]]);
    });

    it("refuses every thread when the guest's process is another one: its old thread ids may be anyone's now", () => {
        const r = threadsConflicts(move([4248], 4000), threads, 4242, "after");
        expect(r.ops).toEqual([]);
        expect(r.conflicts).toHaveLength(1);
    });
});

describe("verification", () => {
    const threads = guestThreads(snapshotOf("legacy-vhost-kthread"), "rhel64")!;
    const { plan, saved } = articleChange();

    it("lists the vhost kernel thread that did not follow, and moving it is the next step", () => {
        const checks = planVerify(plan.ops, threads, pinned(saved, ARTICLE), host);
        expect(checks.map(c => [c.op.where, c.status])).toEqual([["live", "mismatch"], ["config", "verified"]]);
        const live = checks[0]!;
        expect(live.status === "mismatch" && live.threads.map(t => t.tid)).toEqual([4248]);
        expect(planStragglers(checks, 4242)).toEqual([{ kind: "move-threads", where: "live", pid: 4242, after: ARTICLE, threads: [{ tid: 4248, before: ALL }] }]);
    });

    it("passes once the move put it there; the move is checked by itself", () => {
        const moved = threads.map(t => t.tid === 4248 ? { ...t, cpus: ARTICLE } : t);
        const ops = [...plan.ops, ...planStragglers(planVerify(plan.ops, threads, null, host), 4242)];
        const checks = planVerify(ops, moved, pinned(saved, ARTICLE), host);
        expect(checks.map(c => c.status)).toEqual(["verified", "verified", "verified"]);
        expect(checks[0]!.status === "verified" && checks[0]!.threads).toHaveLength(3);
    });

    it("a saved config that does not hold the pin is a mismatch; no threads or no saved XML is not verified", () => {
        expect(planVerify(plan.ops, threads, saved, host)[1]).toMatchObject({ status: "mismatch", saved: ALL });
        expect(planVerify(plan.ops, null, null, host).map(c => c.status)).toEqual(["not-verified", "not-verified"]);
        expect(planVerify(plan.ops, [], null, host)[0]!.status).toBe("not-verified");
    });
});

describe("commands shown to copy", () => {
    it("quote hostile names for a POSIX shell", () => {
        const op: ChangeOp = { kind: "emulator", where: "config", before: [], beforePinned: false, after: [0, 1, 2, 3] };
        expect(shellQuote("rhel64")).toBe("rhel64");
        expect(shellQuote(`a b'c $(id)`)).toBe(`'a b'\\''c $(id)'`);
        expect(opCommands(op, { ...guest, name: `<b>x</b>; rm -rf /` }).map(commandText)).toEqual([`virsh emulatorpin '<b>x</b>; rm -rf /' 0-3 --config`]);
        // a guest of the user's own qemu:///session names that connection (virsh as root means qemu:///system)
        expect(opCommands({ ...op, where: "live", after: [2] }, { ...guest, connection: "session", name: "it's mine" }).map(commandText))
            .toEqual([`virsh -c qemu:///session emulatorpin 'it'\\''s mine' 2 --live`]);
        expect(commandText(opCommands({ kind: "iothread", id: 3, where: "live", before: [], beforePinned: false, after: [1, 3] }, { ...guest, name: "a\tb" })[0]!))
            .toBe(`virsh iothreadpin 'a\tb' 3 1,3 --live`);
    });
});
