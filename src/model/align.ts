// "Align emulator threads" as a change plan: for each side the guest has (the running guest first, then the saved
// config), the emulator pin to the policy's target, and, when asked, every I/O thread pinned to the same target.
// Threads that do not follow a live pin are only known after it (see planStragglers in change.ts).
import { cpusetEqual } from "./cpuset";
import { guestEffective, type GuestConfig } from "./guest";
import type { ChangeOp, Where } from "./change";
import type { Plan } from "./plan";
import type { HostTopology } from "./topology";

/** The policy's target on each side the plan covers (changed or already there). */
export function alignTargets(plan: Plan): { where: Where; target: number[] }[] {
    if (plan.kind === "refused") return [];
    if (plan.kind === "nothing") return plan.targets;
    return [...plan.steps, ...plan.unchanged].map(s => ({ where: s.where, target: s.target }))
        .sort((a, b) => a.where === b.where ? 0 : a.where === "live" ? -1 : 1);
}

export function alignChange({ plan, iothreads, host, live, saved }: {
    plan: Plan;
    iothreads: boolean;
    host: HostTopology;
    live: GuestConfig | null;
    saved: GuestConfig | null;
}): ChangeOp[] {
    const ops: ChangeOp[] = [];
    for (const { where, target } of alignTargets(plan)) {
        const step = plan.kind === "change" ? plan.steps.find(s => s.where === where) : undefined;
        if (step) ops.push({ kind: "emulator", where, before: step.current, beforePinned: step.currentPinned, after: target });
        const config = where === "live" ? live : saved;
        if (!iothreads || !config) continue;
        for (const [id, e] of guestEffective(config, host).iothreads) {
            if (!cpusetEqual(e.cpus, target))
                ops.push({ kind: "iothread", id, where, before: e.cpus, beforePinned: e.source === "pin", after: target });
        }
    }
    return ops;
}

/**
 * The running guest's emulator threads as the plan leaves them, when its live side needs no pin (already on the
 * target): checked from the kernel with the rest, so that threads which did not follow an earlier pin are seen
 * (and moved, when asked) even when nothing is written live.
 */
export function alignLiveCheck(plan: Plan): ChangeOp | null {
    if (plan.kind === "change" && plan.steps.some(s => s.where === "live")) return null;
    const live = alignTargets(plan).find(t => t.where === "live");
    return live ? { kind: "emulator", where: "live", before: live.target, beforePinned: true, after: live.target } : null;
}
