// What "Align emulator threads" would change for a guest under a policy: the target CPU set and the steps.
// Steps follow the guest's state: running + persistent -> live, then config; running transient -> live only;
// shut off -> config only. Each step is its own PinEmulator call (flag 1 = live, 2 = config). The target of
// each step comes from the vCPUs of the XML that step changes (live XML for live, saved XML for config).
import { guestEffective, guestIsActive, guestVcpuUnion, type GuestConfig, type GuestState } from "./guest";
import { placementAligned } from "./placement";
import { policyTarget, type Policy, type TargetRefusal } from "./policy";
import type { Connection } from "./threads";
import type { HostTopology } from "./topology";

export type StepWhere = "live" | "config";

export interface PlanStep {
    where: StepWhere;
    /** libvirt-dbus flag: 1 = VIR_DOMAIN_AFFECT_LIVE, 2 = VIR_DOMAIN_AFFECT_CONFIG */
    flag: 1 | 2;
    current: number[];
    /** whether current comes from an emulatorpin, or is the fallback (no pin) */
    currentPinned: boolean;
    target: number[];
}

export type Plan =
    | { kind: "refused"; where: StepWhere; refusal: TargetRefusal }
    | { kind: "nothing"; targets: { where: StepWhere; target: number[] }[] }
    | { kind: "change"; steps: PlanStep[]; unchanged: { where: StepWhere; target: number[] }[] };

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
    const wanted: { where: StepWhere; config: GuestConfig }[] = [];
    if (running && input.live) wanted.push({ where: "live", config: input.live });
    if (input.persistent && input.saved) wanted.push({ where: "config", config: input.saved });

    const steps: PlanStep[] = [];
    const unchanged: { where: StepWhere; target: number[] }[] = [];
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
            steps.push({ where, flag: where === "live" ? 1 : 2, current, currentPinned: eff.emulator.source === "pin", target: t.cpus });
    }
    if (steps.length === 0)
        return { kind: "nothing", targets: unchanged };
    return { kind: "change", steps, unchanged };
}

/** The virsh command a step is equivalent to, as argv (what the page does itself goes through libvirt-dbus). */
export function planCommand(name: string, where: StepWhere, cpus: string, connection: Connection = "system"): string[] {
    // root's virsh talks to qemu:///system by default (the article's commands); a session guest names its connection
    const virsh = connection === "session" ? ["virsh", "-c", "qemu:///session"] : ["virsh"];
    return [...virsh, "emulatorpin", name, cpus, where === "live" ? "--live" : "--config"];
}

/** POSIX shell quoting, for showing a copyable command; the page never runs a shell string built from data. */
export function shellQuote(arg: string): string {
    return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : "'" + arg.replace(/'/g, "'\\''") + "'";
}

export const commandText = (argv: string[]): string => argv.map(shellQuote).join(" ");
