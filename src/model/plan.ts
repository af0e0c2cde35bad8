// What "Align emulator threads" would change for a guest under a policy: the target CPU set and the steps.
// Steps follow the guest's state: running + persistent -> live, then config; running transient -> live only;
// shut off -> config only. Each step becomes one PinEmulator operation of a change plan (align.ts). The target of
// each step comes from the vCPUs of the XML that step changes (live XML for live, saved XML for config).
import { guestEffective, guestIsActive, guestVcpuUnion, type GuestConfig, type GuestState } from "./guest";
import { placementAligned } from "./placement";
import { policyTarget, type Policy, type TargetRefusal } from "./policy";
import type { Where } from "./change";
import type { HostTopology } from "./topology";

export interface PlanStep {
    where: Where;
    current: number[];
    /** whether current comes from an emulatorpin, or is the fallback (no pin) */
    currentPinned: boolean;
    target: number[];
}

export type Plan =
    | { kind: "refused"; where: Where; refusal: TargetRefusal }
    | { kind: "nothing"; targets: { where: Where; target: number[] }[] }
    | { kind: "change"; steps: PlanStep[]; unchanged: { where: Where; target: number[] }[] };

export interface PlanInput {
    host: HostTopology;
    state: GuestState;
    persistent: boolean;
    /** live XML of a running guest; null when shut off */
    live: GuestConfig | null;
    /** saved XML; null for a transient guest */
    saved: GuestConfig | null;
    policy: Policy;
    autoNodeset?: number[] | null;
}

export function planAlign(input: PlanInput): Plan {
    const running = guestIsActive(input.state);
    const wanted: { where: Where; config: GuestConfig }[] = [];
    if (running && input.live) wanted.push({ where: "live", config: input.live });
    if (input.persistent && input.saved) wanted.push({ where: "config", config: input.saved });

    const steps: PlanStep[] = [];
    const unchanged: { where: Where; target: number[] }[] = [];
    for (const { where, config } of wanted) {
        const eff = guestEffective(config, input.host, where === "live" ? input.autoNodeset : null);
        const vcpus = guestVcpuUnion(eff);
        const t = policyTarget(input.host, input.policy, vcpus.cpus, vcpus.pinned);
        if (!t.ok)
            return { kind: "refused", where, refusal: t.refusal };
        const current = eff.emulator.cpus;
        if (placementAligned(current, t.cpus) && !(input.policy.kind === "custom" && current.join() !== t.cpus.join()))
            unchanged.push({ where, target: t.cpus });
        else
            steps.push({ where, current, currentPinned: eff.emulator.source === "pin", target: t.cpus });
    }
    if (steps.length === 0)
        return { kind: "nothing", targets: unchanged };
    return { kind: "change", steps, unchanged };
}
