// The change engine's runner: every change the page makes goes through changeRun. For each plan: re-read the
// guest (and, for thread moves, its threads) and stop if it no longer has what the preview showed; run the
// operations in order (live before config, as planned), one D-Bus call or one spawn each, stopping at the first
// failure; then verify every applied operation, live ones from ONE /proc read for the whole batch and config ones
// from the saved XML read again; move threads that did not follow when asked, and verify those once more.
import { threadsAffinitySet } from "../host/affinity";
import { memoryMigrate } from "../host/memory";
import { memoryConflicts } from "../model/memoryop";
import { threadsRead } from "../host/threads";
import { domainDefine, domainEmulatorPin, domainIOThreadPin, domainNumaSet, domainVcpuPin, domainXmlGet } from "../libvirt/api";
import { libvirtErrorOf, type LibvirtErrorKind } from "../libvirt/dbus";
import {
    memtuneNeedsXml, planConflicts, planStragglers, planUndo, planVerify, threadsConflicts, whereFlag,
    type ChangeOp, type ChangePlan, type Conflict, type GuestNow, type GuestRef, type OpCheck,
} from "../model/change";
import { cpumapFromSet, cpusetFormat } from "../model/cpuset";
import { numatuneXmlSet } from "../model/numatune";
import { guestParse } from "../model/guest";
import { guestThreads, snapshotGuests, type GuestThread, type Snapshot } from "../model/threads";
import type { HostTopology } from "../model/topology";

/** Plans run a few at a time: libvirtd serializes changes per guest, and the page stays responsive. */
export const CHANGE_CONCURRENCY = 3;

export interface ChangeError {
    /** threads, memory: a thread move or a memory move the page spawned */
    kind: LibvirtErrorKind | "threads" | "memory";
    message: string;
}

export interface OpResult {
    op: ChangeOp;
    status: "applied" | "failed" | "not-run";
    error?: ChangeError;
}

export type ChangeResult =
    /** the guest no longer has what the plan expected: nothing was written; `now` is the guest as re-read */
    | { kind: "stale"; conflicts: Conflict[]; now: GuestNow }
    /** the guest could not be read before applying (vanished, access denied, libvirt gone): nothing was written */
    | { kind: "error"; error: ChangeError }
    | { kind: "ran"; results: OpResult[]; checks: OpCheck[] };

export interface ChangeItem {
    plan: ChangePlan;
    /** move the emulator-group threads that did not follow a live pin (sched_setaffinity) */
    moveStragglers?: boolean;
    /** what the guest already has and the plan leaves as it is, verified with the applied operations (not written) */
    verifyAlso?: ChangeOp[];
}

const errorOf = (e: unknown): ChangeError => {
    const err = libvirtErrorOf(e);
    return { kind: err.kind, message: err.message };
};

/** The guest as libvirt has it now: the live XML when it runs, the saved XML when the plan touches it. */
export async function guestReadNow(guest: GuestRef, withSaved: boolean): Promise<GuestNow> {
    const current = guestParse(await domainXmlGet({ connection: guest.connection, path: guest.path, inactive: false }));
    const live = current.id !== null ? current : null;
    const saved = !withSaved ? null : live ? guestParse(await domainXmlGet({ connection: guest.connection, path: guest.path, inactive: true })) : current;
    return { live, saved };
}

/** The guest's threads, QEMU process id and memory per node (when read) in a snapshot; null when it has no process there. */
function threadsOf(snap: Snapshot | null, guest: GuestRef): { threads: GuestThread[]; pid: number; memory: Map<number, number> | null } | null {
    const g = snap && snapshotGuests(snap, guest.connection).get(guest.name);
    const threads = snap && guestThreads(snap, guest.name, guest.connection);
    return g && threads ? { threads, pid: g.pid, memory: g.memory ?? null } : null;
}

/** One /proc read for the kernel's side of some operations: the threads of every guest, their memory when asked. */
const processRead = (ops: ChangeOp[]): Promise<Snapshot | null> | null =>
    ops.some(o => o.kind === "move-threads" || o.kind === "memory")
        ? threadsRead({ memory: ops.some(o => o.kind === "memory") }).catch(() => null) : null;

async function opRun(guest: GuestRef, op: ChangeOp, cpuCount: number): Promise<void> {
    const connection = guest.connection, path = guest.path;
    switch (op.kind) {
    case "emulator":
        return domainEmulatorPin({ connection, path, cpumap: cpumapFromSet(op.after, cpuCount), flags: whereFlag(op.where) });
    case "iothread":
        return domainIOThreadPin({ connection, path, iothread: op.id, cpumap: cpumapFromSet(op.after, cpuCount), flags: whereFlag(op.where) });
    case "vcpu":
        return domainVcpuPin({ connection, path, vcpu: op.id, cpumap: cpumapFromSet(op.after, cpuCount), flags: whereFlag(op.where) });
    case "numatune": {
        if (!memtuneNeedsXml(op))
            return domainNumaSet({ connection, path, mode: op.after.mode, nodeset: cpusetFormat(op.after.nodeset), flags: whereFlag(op.where) });
        // per-cell bindings: the saved XML (with its secrets, as virsh edit reads it) defined again with the new <numatune>
        const xml = await domainXmlGet({ connection, path, inactive: true, secure: true });
        return domainDefine({ connection, xml: numatuneXmlSet(xml, op.after) });
    }
    case "move-threads":
        return threadsAffinitySet({ tids: op.threads.map(t => t.tid), cpus: op.after, asRoot: connection === "system" });
    case "memory":
        return memoryMigrate({ pid: op.pid, from: op.from, to: op.to, asRoot: connection === "system" });
    }
}

/** Runs ops in order; after the first failure the rest are "not-run". */
async function opsRun(guest: GuestRef, ops: ChangeOp[], cpuCount: number): Promise<OpResult[]> {
    const results: OpResult[] = [];
    for (const op of ops) {
        if (results.some(r => r.status === "failed")) { results.push({ op, status: "not-run" }); continue }
        try {
            await opRun(guest, op, cpuCount);
            results.push({ op, status: "applied" });
        } catch (e) {
            results.push({ op, status: "failed", error: op.kind === "move-threads" || op.kind === "memory"
                ? { kind: op.kind === "memory" ? "memory" : "threads", message: (e as cockpit.BasicError).message ?? String(e) }
                : errorOf(e) });
        }
    }
    return results;
}

/** Re-reads the guest (and uses the threads read before the batch), refuses a stale plan, else runs it. */
async function planApply(plan: ChangePlan, host: HostTopology, snap: Snapshot | null):
    Promise<ChangeResult & { kind: "stale" | "error" } | { kind: "applied"; results: OpResult[] }> {
    let now: GuestNow;
    try {
        now = await guestReadNow(plan.guest, plan.ops.some(o => o.where === "config"));
    } catch (e) {
        return { kind: "error", error: errorOf(e) };
    }
    const conflicts = planConflicts(plan, now, host, "before");
    const own = threadsOf(snap, plan.guest);
    const moves = threadsConflicts(plan, own?.threads ?? null, own?.pid ?? null, "before");
    const memory = memoryConflicts(plan, own?.pid ?? null, own?.memory ?? null, "before");
    if (conflicts.length || moves.conflicts.length || memory.length) return { kind: "stale", conflicts: [...conflicts, ...moves.conflicts, ...memory], now };
    return { kind: "applied", results: await opsRun(plan.guest, moves.ops, host.cpuCount) };
}

/** Runs fn over items with at most n at a time. */
async function pool<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
    const out = new Array<R>(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await fn(items[i]!);
        }
    };
    await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
    return out;
}

const appliedOps = (results: OpResult[]): ChangeOp[] => results.filter(r => r.status === "applied").map(r => r.op);

/** Verifies the applied ops of every item: one /proc read for all live ops, the saved XML again for config ops. */
async function verifyAll(items: { plan: ChangePlan; results: OpResult[]; item: ChangeItem }[], host: HostTopology):
    Promise<{ checks: OpCheck[][]; snap: Snapshot | null }> {
    const toCheck = (i: { results: OpResult[]; item: ChangeItem }) =>
        i.results.every(r => r.status === "applied") ? [...appliedOps(i.results), ...i.item.verifyAlso ?? []] : appliedOps(i.results);
    const live = items.some(i => toCheck(i).some(o => o.where === "live"));
    const memory = items.some(i => toCheck(i).some(o => o.kind === "memory"));
    const snap = live ? await threadsRead({ memory }).catch(() => null) : null;
    const checks = await pool(items, CHANGE_CONCURRENCY, async i => {
        const plan = i.plan;
        const applied = toCheck(i);
        const saved = applied.some(o => o.where === "config")
            ? await domainXmlGet({ connection: plan.guest.connection, path: plan.guest.path, inactive: true }).then(guestParse, () => null)
            : null;
        const own = threadsOf(snap, plan.guest);
        return planVerify(applied, own?.threads ?? null, saved, host, own?.memory ?? null);
    });
    return { checks, snap };
}

/**
 * Applies every plan (a few at a time), then verifies them all, then moves the threads that did not follow where
 * asked and verifies those guests again. One result per item, in order.
 */
export async function changeRun(items: ChangeItem[], host: HostTopology): Promise<ChangeResult[]> {
    // plans that move threads or memory are checked against the threads and memory the kernel has now
    const snap = await processRead(items.flatMap(i => i.plan.ops));
    const applied = await pool(items, CHANGE_CONCURRENCY, item => planApply(item.plan, host, snap));
    const ran = items.flatMap((item, i) => {
        const a = applied[i]!;
        return a.kind === "applied" ? [{ index: i, item, plan: item.plan, results: a.results }] : [];
    });
    const first = await verifyAll(ran, host);
    let checks = first.checks;
    const after = first.snap;

    // threads that did not follow a live pin, where the admin asked to move them: one spawn per guest, then one
    // more read for the batch
    let moved = false;
    for (const [k, r] of ran.entries()) {
        if (!r.item.moveStragglers || r.results.some(x => x.status !== "applied")) continue;
        const pid = threadsOf(after, r.plan.guest)?.pid;
        const moves = pid ? planStragglers(checks[k]!, pid) : [];
        if (!moves.length) continue;
        r.results.push(...await opsRun(r.plan.guest, moves, host.cpuCount));
        moved = true;
    }
    if (moved) ({ checks } = await verifyAll(ran, host));

    return items.map((_item, i) => {
        const a = applied[i]!;
        if (a.kind !== "applied") return a;
        const k = ran.findIndex(r => r.index === i);
        return { kind: "ran", results: a.results, checks: checks[k]! };
    });
}

export type UndoPrepared =
    | { kind: "ready"; plan: ChangePlan; restoredInstead: ChangeOp[] }
    /** someone changed what the plan set: Undo would overwrite it, so it does nothing */
    | { kind: "conflict"; conflicts: Conflict[] }
    | { kind: "error"; error: ChangeError };

/** The Undo of applied operations, as a plan to preview, if the guest still has exactly what they set. */
export async function undoPrepare(plan: ChangePlan, applied: ChangeOp[], host: HostTopology): Promise<UndoPrepared> {
    const done: ChangePlan = { guest: plan.guest, ops: applied };
    let now: GuestNow;
    try {
        now = await guestReadNow(plan.guest, applied.some(o => o.where === "config"));
    } catch (e) {
        return { kind: "error", error: errorOf(e) };
    }
    const own = threadsOf(await processRead(applied), plan.guest);
    const moves = threadsConflicts(done, own?.threads ?? null, own?.pid ?? null, "after");
    const conflicts = [...planConflicts(done, now, host, "after"), ...moves.conflicts,
        ...memoryConflicts(done, own?.pid ?? null, own?.memory ?? null, "after")];
    if (conflicts.length) return { kind: "conflict", conflicts };
    const undo = planUndo(plan, moves.ops);
    // a memory move back starts from where the memory is now
    const ops = undo.plan.ops.map(o => o.kind === "memory" && own?.memory ? { ...o, before: own.memory } : o);
    return { kind: "ready", plan: { ...undo.plan, ops }, restoredInstead: undo.restoredInstead };
}
