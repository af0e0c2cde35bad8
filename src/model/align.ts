// "Align emulator threads" as a list of operations, each one D-Bus call or one thread move, in order:
// live emulator pin, then config; I/O thread pins when asked; moving threads that did not follow when asked.
// Also what Undo does, and how a result is verified from the kernel's view of every thread.
import { cpusetEqual, cpusetOf } from "./cpuset";
import { guestEffective, type GuestConfig } from "./guest";
import type { Plan, StepWhere } from "./plan";
import type { GuestThread } from "./threads";
import type { HostTopology } from "./topology";

export type AlignOp =
    | { kind: "emulator"; where: StepWhere; flag: 1 | 2; target: number[]; previous: number[]; previousPinned: boolean }
    | { kind: "iothread"; id: number; where: StepWhere; flag: 1 | 2; target: number[]; previous: number[]; previousPinned: boolean }
    | { kind: "move-threads"; tids: number[]; target: number[]; previous: Map<number, number[]> };

export interface AlignOptions {
    iothreads: boolean;
    /** move the emulator-group threads (vhost and other workers) whose actual CPUs differ from the target */
    moveStragglers: boolean;
}

/** Threads of the emulator group (main, RCU, monitor, workers, vhost) */
export const emulatorGroupThreads = (threads: GuestThread[]): GuestThread[] =>
    threads.filter(t => t.role.kind === "emulator" || t.role.kind === "monitor" || t.role.kind === "vhost");

/**
 * The libvirt operations for a plan: the emulator pins of its steps, then the I/O thread pins when asked (on the
 * same target, for the same live/config sides). Threads that do not follow a live pin are only known after
 * it: moving them is decided after the verification (see alignStragglers).
 */
export function alignOps({ plan, options, host, live, saved }: {
    plan: Plan & { kind: "change" | "nothing" };
    options: Pick<AlignOptions, "iothreads">;
    host: HostTopology;
    live: GuestConfig | null;
    saved: GuestConfig | null;
}): AlignOp[] {
    const ops: AlignOp[] = [];
    const targetOf = (where: StepWhere): number[] | null => {
        if (plan.kind === "change") {
            const s = plan.steps.find(x => x.where === where) ?? plan.unchanged.find(x => x.where === where);
            return s?.target ?? null;
        }
        return plan.targets.find(x => x.where === where)?.target ?? null;
    };
    if (plan.kind === "change") {
        for (const s of plan.steps)
            ops.push({ kind: "emulator", where: s.where, flag: s.flag, target: s.target, previous: s.current, previousPinned: s.currentPinned });
    }
    if (options.iothreads) {
        for (const [where, config] of [["live", live], ["config", saved]] as const) {
            const target = targetOf(where);
            if (!config || !target) continue;
            const eff = guestEffective(config, host);
            for (const [id, e] of eff.iothreads) {
                if (!cpusetEqual(e.cpus, target))
                    ops.push({ kind: "iothread", id, where, flag: where === "live" ? 1 : 2, target, previous: e.cpus, previousPinned: e.source === "pin" });
            }
        }
    }
    return ops;
}

/** Undo of applied operations, last first. A pin cannot be removed through libvirt-dbus: an unpinned group is
 *  restored by pinning it to the CPUs it could use before (reported as such: restoredInstead). */
export function alignUndoOps(applied: AlignOp[]): { ops: AlignOp[]; restoredInstead: AlignOp[] } {
    const ops: AlignOp[] = [];
    const restoredInstead: AlignOp[] = [];
    for (const op of [...applied].reverse()) {
        if (op.kind === "move-threads") {
            // each thread back to its own previous CPUs: one operation per distinct set
            const bySet = new Map<string, number[]>();
            for (const [tid, cpus] of op.previous) bySet.set(cpus.join(","), [...(bySet.get(cpus.join(",")) ?? []), tid]);
            for (const [key, tids] of bySet)
                ops.push({ kind: "move-threads", tids, target: key.split(",").map(Number), previous: new Map(tids.map(t => [t, op.target])) });
            continue;
        }
        const back = { ...op, target: op.previous, previous: op.target, previousPinned: true };
        ops.push(back);
        if (!op.previousPinned) restoredInstead.push(op);
    }
    return { ops, restoredInstead };
}

/** After a live pin and a fresh read: moving the emulator-group threads that are still off the target. */
export function alignStragglers(verify: VerifyResult, target: number[]): AlignOp | null {
    const off = verify.notFollowing.filter(t => t.role.kind !== "iothread");
    if (!off.length) return null;
    return { kind: "move-threads", tids: off.map(t => t.tid), target: cpusetOf(target), previous: new Map(off.map(t => [t.tid, t.cpus])) };
}

export interface VerifyResult {
    ok: boolean;
    /** the emulator-group threads checked (main, RCU, monitor, workers, vhost) */
    checked: GuestThread[];
    notFollowing: GuestThread[];
}

/** Did every emulator-group thread (and I/O thread, when those were aligned) end up on exactly the target? */
export function alignVerify(threads: GuestThread[], target: number[], options: { iothreads: boolean }): VerifyResult {
    const want = cpusetOf(target);
    const checked = [...emulatorGroupThreads(threads), ...(options.iothreads ? threads.filter(t => t.role.kind === "iothread") : [])];
    const notFollowing = checked.filter(t => !cpusetEqual(t.cpus, want));
    return { ok: checked.length > 0 && notFollowing.length === 0, checked, notFollowing };
}
