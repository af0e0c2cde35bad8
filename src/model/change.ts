// The change engine's pure half: a change to one guest is a plan, a list of typed operations, each with where it
// acts (the running guest or the saved config), the value now and the value after. From a plan come its preview
// (the equivalent commands), its staleness (does the guest still have what the preview showed?), its
// verification (from the kernel's threads and the re-read saved XML) and its Undo (itself a plan, refused when
// the guest no longer has what the plan set). See doc/architecture.md, "The change engine".
import { cpusetEqual, cpusetFormat } from "./cpuset";
import { guestEffective, type GuestConfig } from "./guest";
import { MEMORY_MOVED_SHARE, memoryOff } from "./memoryop";
import { memtuneEqual, memtuneOf } from "./numatune";
import type { Memtune } from "./place";
import type { Connection, GuestThread } from "./threads";
import type { HostTopology } from "./topology";

export type Where = "live" | "config";

/** libvirt's flags for one side: VIR_DOMAIN_AFFECT_LIVE = 1, VIR_DOMAIN_AFFECT_CONFIG = 2 (one call each) */
export const whereFlag = (where: Where): 1 | 2 => where === "live" ? 1 : 2;

/** A pin of a thread group through libvirt; "pinned" says whether the value is a pin or the group's fallback. */
interface PinOp {
    where: Where;
    before: number[];
    beforePinned: boolean;
    after: number[];
}

export type ChangeOp =
    | PinOp & { kind: "emulator" }
    | PinOp & { kind: "iothread"; id: number }
    | PinOp & { kind: "vcpu"; id: number }
    /** the memory binding of the saved config (<numatune>): MEMTUNE_NONE when there is none */
    | { kind: "numatune"; where: "config"; before: Memtune; after: Memtune }
    /** sched_setaffinity on threads libvirt does not move; each thread remembers its own CPUs before */
    | { kind: "move-threads"; where: "live"; pid: number; threads: { tid: number; before: number[] }[]; after: number[] }
    /** migrate_pages(2) on the guest's QEMU process (migratepages): its memory on `from` moved to `to`, the n-th node
     *  of one to the n-th of the other, round again when `to` is shorter (memoryMoveTargets); `before`: KiB per node
     *  when the plan was made */
    | MemoryOp;

export interface MemoryOp {
    kind: "memory";
    where: "live";
    pid: number;
    from: number[];
    to: number[];
    before: Map<number, number>;
}

export type PinKind = "emulator" | "iothread" | "vcpu";
export type PinChangeOp = Extract<ChangeOp, { kind: PinKind }>;

/** A binding with per-cell memnodes (or none at all) cannot be written with SetNumaParameters: the XML is edited. */
export const memtuneNeedsXml = (op: Extract<ChangeOp, { kind: "numatune" }>): boolean =>
    op.after.mode === "none" || op.after.memnodes.length > 0 || op.before.memnodes.length > 0;

export interface GuestRef {
    connection: Connection;
    path: string;
    name: string;
}

export interface ChangePlan {
    guest: GuestRef;
    ops: ChangeOp[];
}

/** The guest as re-read: live XML of a running guest, saved XML of a persistent one. */
export interface GuestNow {
    live: GuestConfig | null;
    saved: GuestConfig | null;
}

/** The equivalent commands of one operation, as argv (the page itself calls libvirt-dbus and spawns taskset). */
export function opCommands(op: ChangeOp, guest: GuestRef): string[][] {
    // root's virsh talks to qemu:///system by default (the article's commands); a session guest names its connection
    const virsh = guest.connection === "session" ? ["virsh", "-c", "qemu:///session"] : ["virsh"];
    const side = op.where === "live" ? "--live" : "--config";
    switch (op.kind) {
    case "emulator": return [[...virsh, "emulatorpin", guest.name, cpusetFormat(op.after), side]];
    case "iothread": return [[...virsh, "iothreadpin", guest.name, String(op.id), cpusetFormat(op.after), side]];
    case "vcpu": return [[...virsh, "vcpupin", guest.name, String(op.id), cpusetFormat(op.after), side]];
    case "numatune": {
        if (!memtuneNeedsXml(op)) return [[...virsh, "numatune", guest.name, "--mode", op.after.mode, "--nodeset", cpusetFormat(op.after.nodeset), side]];
        // virsh has no command for <memnode>: virt-xml (virtinst) edits the saved XML as the page does
        const conn = guest.connection === "session" ? ["--connect", "qemu:///session"] : [];
        if (op.after.mode === "none") return [["virt-xml", ...conn, guest.name, "--edit", "--numatune", "clearxml=yes"]];
        const sub = [`mode=${op.after.mode}`, `nodeset=${cpusetFormat(op.after.nodeset)}`,
            ...op.after.memnodes.flatMap((m, i) => [`memnode${i}.cellid=${m.cellid}`, `memnode${i}.mode=${m.mode}`, `memnode${i}.nodeset=${cpusetFormat(m.nodeset)}`])];
        return [["virt-xml", ...conn, guest.name, "--edit", "--numatune", `clearxml=yes,${sub.join(",")}`]];
    }
    case "move-threads": return op.threads.map(t => ["taskset", "-pc", cpusetFormat(op.after), String(t.tid)]);
    case "memory": return [["migratepages", String(op.pid), cpusetFormat(op.from), cpusetFormat(op.to)]];
    }
}

/** POSIX shell quoting, for showing a copyable command; the page never runs a shell string built from data. */
export function shellQuote(arg: string): string {
    return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : "'" + arg.replace(/'/g, "'\\''") + "'";
}

export const commandText = (argv: string[]): string => argv.map(shellQuote).join(" ");

/** What libvirt's XML says now for a pin operation's group, on the operation's side; null when that side is gone. */
export function opValueNow(op: PinChangeOp, now: GuestNow, host: HostTopology): { cpus: number[]; pinned: boolean } | null {
    const config = op.where === "live" ? now.live : now.saved;
    if (!config) return null;
    const eff = guestEffective(config, host);
    const set = op.kind === "emulator" ? eff.emulator : op.kind === "vcpu" ? eff.vcpus.get(op.id) : eff.iothreads.get(op.id);
    return set ? { cpus: set.cpus, pinned: set.source === "pin" } : null;
}

export type OpValue = number[] | Memtune;

export interface Conflict {
    op: ChangeOp;
    expected: OpValue;
    /** what the guest has now; null when that side (or the vCPU, the I/O thread) no longer exists */
    found: OpValue | null;
}

/**
 * The operations whose group no longer has the value expected: "before" right before applying (someone changed the
 * guest since the preview), "after" before an Undo (someone changed it since the plan set it). Thread moves are
 * checked against the threads the kernel has (see threadsConflicts).
 */
export function planConflicts(plan: ChangePlan, now: GuestNow, host: HostTopology, expect: "before" | "after"): Conflict[] {
    const out: Conflict[] = [];
    for (const op of plan.ops) {
        if (op.kind === "move-threads" || op.kind === "memory") continue;
        if (op.kind === "numatune") {
            const found = now.saved ? memtuneOf(now.saved) : null;
            if (!found || !memtuneEqual(found, op[expect])) out.push({ op, expected: op[expect], found });
            continue;
        }
        const expected = op[expect];
        const found = opValueNow(op, now, host);
        if (!found || !cpusetEqual(found.cpus, expected)) out.push({ op, expected, found: found?.cpus ?? null });
    }
    return out;
}

/**
 * Thread moves against the kernel's threads of the guest: a thread that ended is dropped (nothing to move), a
 * thread that is no longer the guest's (its id reused) or whose CPUs are not the expected ones is a conflict.
 * Returns the moves restricted to the threads that may be touched.
 */
export function threadsConflicts(plan: ChangePlan, threads: GuestThread[] | null, pid: number | null, expect: "before" | "after"):
    { ops: ChangeOp[]; conflicts: Conflict[] } {
    const ops: ChangeOp[] = [];
    const conflicts: Conflict[] = [];
    for (const op of plan.ops) {
        if (op.kind !== "move-threads") { ops.push(op); continue }
        const keep: { tid: number; before: number[] }[] = [];
        for (const t of op.threads) {
            const expected = expect === "before" ? t.before : op.after;
            const found = pid === op.pid ? threads?.find(x => x.tid === t.tid) : undefined;
            if (!found) {
                // the guest's process is another one (restarted): its old thread ids may belong to anything now
                if (pid !== op.pid) conflicts.push({ op, expected, found: null });
                continue;
            }
            if (cpusetEqual(found.cpus, expected)) keep.push(t);
            else conflicts.push({ op, expected, found: found.cpus });
        }
        if (keep.length) ops.push({ ...op, threads: keep });
    }
    return { ops, conflicts };
}

/**
 * Undo of the operations that were applied, last first, each restoring exactly what it recorded as "before".
 * libvirt cannot remove a pin: a group that had none gets a pin to the CPUs it could use then (restoredInstead).
 */
export function planUndo(plan: ChangePlan, applied: ChangeOp[]): { plan: ChangePlan; restoredInstead: ChangeOp[] } {
    const ops: ChangeOp[] = [];
    const restoredInstead: ChangeOp[] = [];
    for (const op of [...applied].reverse()) {
        if (op.kind === "move-threads") {
            // each thread back to its own CPUs: one operation per distinct set
            const bySet = new Map<string, { after: number[]; threads: { tid: number; before: number[] }[] }>();
            for (const t of op.threads) {
                const group = bySet.get(cpusetFormat(t.before)) ?? { after: t.before, threads: [] };
                group.threads.push({ tid: t.tid, before: op.after });
                bySet.set(cpusetFormat(t.before), group);
            }
            for (const g of bySet.values()) ops.push({ ...op, threads: g.threads, after: g.after });
            continue;
        }
        if (op.kind === "numatune") { ops.push({ ...op, before: op.after, after: op.before }); continue }
        // the memory back to the nodes it came from (undoPrepare fills in where it is now)
        if (op.kind === "memory") { ops.push({ ...op, from: op.to, to: op.from, before: new Map() }); continue }
        ops.push({ ...op, before: op.after, beforePinned: true, after: op.before });
        if (!op.beforePinned) restoredInstead.push(op);
    }
    return { plan: { guest: plan.guest, ops }, restoredInstead };
}

export type OpCheck =
    /** threads: the threads found where the operation put them (none for the saved config) */
    /** memory: for a memory move, the guest's memory per node after it (KiB) */
    | { op: ChangeOp; status: "verified"; threads: GuestThread[]; memory?: Map<number, number> }
    /** the kernel or the re-read XML shows something else: the threads (live) or the saved value (config) */
    | { op: ChangeOp; status: "mismatch"; threads: GuestThread[]; saved: OpValue | null; memory?: Map<number, number> }
    /** nothing to check against: the threads or the saved XML could not be read */
    | { op: ChangeOp; status: "not-verified" };

/** Threads of the emulator group: main, RCU, workers, the monitor's I/O thread, vhost workers. */
export const emulatorGroupThreads = (threads: GuestThread[]): GuestThread[] =>
    threads.filter(t => t.role.kind === "emulator" || t.role.kind === "monitor" || t.role.kind === "vhost");

/** The threads a live operation places. */
export function opThreads(op: ChangeOp, threads: GuestThread[]): GuestThread[] {
    switch (op.kind) {
    case "emulator": return emulatorGroupThreads(threads);
    case "iothread": return threads.filter(t => t.role.kind === "iothread" && t.role.id === op.id);
    case "vcpu": return threads.filter(t => t.role.kind === "vcpu" && t.role.index === op.id);
    case "numatune": case "memory": return [];
    case "move-threads": return threads.filter(t => op.threads.some(x => x.tid === t.tid));
    }
}

/**
 * Checks every applied operation: live ones from the kernel's view of the guest's threads (every thread the
 * operation places must be on exactly its CPUs; no such thread means nothing verified), config ones from the saved
 * XML read again after the change. Threads that a move operation placed are
 * checked by that operation.
 */
export function planVerify(applied: ChangeOp[], threads: GuestThread[] | null, saved: GuestConfig | null, host: HostTopology,
                           memory: Map<number, number> | null = null): OpCheck[] {
    return applied.map(op => {
        if (op.kind === "memory") {
            // the guest's memory per node read again: at most 10% may stay off the target nodes (pages the kernel
            // could not move, or memory allocated meanwhile); what stayed is reported
            if (!memory) return { op, status: "not-verified" };
            const off = memoryOff(memory, op.to);
            return off.offKiB <= (1 - MEMORY_MOVED_SHARE) * off.totalKiB
                ? { op, status: "verified", threads: [], memory } : { op, status: "mismatch", threads: [], saved: null, memory };
        }
        if (op.kind === "numatune") {
            if (!saved) return { op, status: "not-verified" };
            const found = memtuneOf(saved);
            return memtuneEqual(found, op.after) ? { op, status: "verified", threads: [] } : { op, status: "mismatch", threads: [], saved: found };
        }
        if (op.where === "config") {
            const now = opValueNow(op, { live: null, saved }, host);
            if (!now) return { op, status: "not-verified" };
            return now.pinned && cpusetEqual(now.cpus, op.after) ? { op, status: "verified", threads: [] } : { op, status: "mismatch", threads: [], saved: now.cpus };
        }
        if (!threads) return { op, status: "not-verified" };
        // threads a move operation placed are checked by that operation, not by the pin of their group
        const moved = new Set(applied.flatMap(o => o !== op && o.kind === "move-threads" ? o.threads.map(t => t.tid) : []));
        const mine = opThreads(op, threads).filter(t => !moved.has(t.tid));
        // a moved thread that ended has nothing left to check; a pin that placed no thread verified nothing
        if (!mine.length) return op.kind === "move-threads" ? { op, status: "verified", threads: [] } : { op, status: "not-verified" };
        const off = mine.filter(t => !cpusetEqual(t.cpus, op.after));
        return off.length ? { op, status: "mismatch", threads: off, saved: null } : { op, status: "verified", threads: mine };
    });
}

/**
 * After a live pin and a fresh read: the threads of the pinned groups that did not follow (a vhost kernel thread
 * outside libvirt's cgroup, or every thread but the main one under a session libvirtd without cgroups), as one
 * move operation per target; I/O threads are never moved behind libvirt's back.
 */
export function planStragglers(checks: OpCheck[], pid: number): ChangeOp[] {
    const out: ChangeOp[] = [];
    for (const c of checks) {
        if (c.status !== "mismatch" || c.op.where !== "live" || c.op.kind !== "emulator") continue;
        out.push({ kind: "move-threads", where: "live", pid, after: c.op.after, threads: c.threads.map(t => ({ tid: t.tid, before: t.cpus })) });
    }
    return out;
}
