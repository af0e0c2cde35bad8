// A placement (place.ts) as a change plan: for each side of the guest (the running guest, then the saved config)
// a vcpupin per vCPU that is not already there, the emulator threads and I/O threads per the page's policy around
// the new vCPUs, and the memory binding of the saved config (numatune: it applies at the guest's next start; the
// memory of a running guest is not moved here). Pins already in place are left out of the plan.
import { memtuneEqual, memtuneOf } from "./numatune";
import { type ChangeOp, type ChangePlan, type GuestRef, type Where } from "./change";
import { cpusetEqual, cpusetUnion } from "./cpuset";
import { guestEffective, type GuestConfig, type EffectiveSet } from "./guest";
import type { Placement } from "./place";
import { policyTarget, type Policy, type TargetRefusal } from "./policy";
import type { HostTopology } from "./topology";

export interface PlaceChangeInput {
    guest: GuestRef;
    host: HostTopology;
    /** live XML of a running guest; null when shut off */
    live: GuestConfig | null;
    /** saved XML; null for a transient guest */
    saved: GuestConfig | null;
    policy: Policy;
    placement: Placement;
}

export type PlaceChange =
    | { ok: true; plan: ChangePlan; emulator: number[]; unchanged: number }
    | { ok: false; refusal: TargetRefusal };

const samePin = (cur: EffectiveSet | undefined, cpus: number[]): boolean => !!cur && cur.source === "pin" && cpusetEqual(cur.cpus, cpus);

export function placeChange(input: PlaceChangeInput): PlaceChange {
    const { host, placement } = input;
    const vcpuCpus = cpusetUnion(...placement.vcpus.values());
    const target = policyTarget(host, input.policy, vcpuCpus, true);
    if (!target.ok) return { ok: false, refusal: target.refusal };
    const ops: ChangeOp[] = [];
    let unchanged = 0;
    const sides: { where: Where; config: GuestConfig }[] = [];
    if (input.live) sides.push({ where: "live", config: input.live });
    if (input.saved) sides.push({ where: "config", config: input.saved });
    for (const { where, config } of sides) {
        const eff = guestEffective(config, host);
        const pin = (cur: EffectiveSet | undefined, after: number[], op: (p: { where: Where; before: number[]; beforePinned: boolean; after: number[] }) => ChangeOp) => {
            if (!cur) return;
            if (samePin(cur, after)) { unchanged++; return }
            ops.push(op({ where, before: cur.cpus, beforePinned: cur.source === "pin", after }));
        };
        for (const [v, cpus] of [...placement.vcpus].sort((a, b) => a[0] - b[0]))
            pin(eff.vcpus.get(v), cpus, p => ({ kind: "vcpu", id: v, ...p }));
        pin(eff.emulator, target.cpus, p => ({ kind: "emulator", ...p }));
        for (const id of config.iothreadIds)
            pin(eff.iothreads.get(id), target.cpus, p => ({ kind: "iothread", id, ...p }));
        if (where === "config") {
            const before = memtuneOf(config);
            if (memtuneEqual(before, placement.memory)) unchanged++;
            else ops.push({ kind: "numatune", where: "config", before, after: placement.memory });
        }
    }
    return { ok: true, plan: { guest: input.guest, ops }, emulator: target.cpus, unchanged };
}
