// Verdicts: for a guest under a policy, where each thread group runs (CPUs, NUMA nodes, LLC groups), and what
// is wrong. The page shows the first finding as the guest's label and every finding in its details.
import { cpusetEqual, cpusetIsSubset, cpusetMinus, cpusetUnion, type CpuSet } from "./cpuset";
import { guestEffective, guestIsActive, guestVcpuUnion, type EffectiveSource, type GuestConfig, type GuestEffective, type GuestState } from "./guest";
import { ioFarDevices, ioFarIrqs, type FarDevice, type FarIrqs, type GuestIoPaths } from "./iopath";
import { policyTarget, type Policy, type TargetRefusal } from "./policy";
import { threadDrifts, threadExpected, type GuestThread } from "./threads";
import { topologyIsSingleNode, topologyLlcsOf, topologyNodesOf, type HostTopology } from "./topology";

export interface GroupPlacement {
    cpus: number[];
    nodes: number[];
    llcs: number[];
    source: EffectiveSource | "threads";
}

export interface DriftingThread {
    thread: GuestThread;
    expected: number[];
}

export type Finding =
    | { kind: "vcpus-unpinned" }
    | { kind: "emulator-elsewhere"; nodes: number[]; llcs: number[]; cpus: number[] }
    | { kind: "drift"; threads: DriftingThread[] }
    | { kind: "vcpus-span"; nodes: number[] }
    /** measured: from the kernel's per-node counts of a running guest; else from numatune */
    | { kind: "memory-elsewhere"; nodes: number[]; measured?: { offKiB: number; totalKiB: number } }
    /** vCPUs pinned alone to CPUs that other guests' vCPUs are pinned to alone as well */
    | { kind: "shares-cpus"; cpus: number[]; others: string[] }
    /** a NIC carrying its traffic, or a passed-through device, on a node its vCPUs do not use */
    | { kind: "device-elsewhere"; devices: FarDevice[] }
    /** a NIC on the vCPUs' nodes whose interrupts are served on other nodes */
    | { kind: "irq-elsewhere"; nics: FarIrqs[] }
    | { kind: "not-persisted"; groups: ("vcpus" | "emulator" | "iothreads")[] }
    | { kind: "single-node" }
    | { kind: "aligned" };

export type VerdictKind = Finding["kind"];

/** Order of the findings, most important first: the first is the guest's verdict. */
export const VERDICT_ORDER: readonly VerdictKind[] = [
    "vcpus-unpinned", "emulator-elsewhere", "drift", "vcpus-span", "memory-elsewhere", "device-elsewhere", "shares-cpus",
    "not-persisted", "irq-elsewhere", "single-node", "aligned",
];

export interface GuestPlacementInput {
    host: HostTopology;
    state: GuestState;
    persistent: boolean;
    /** live XML for a running guest, else the saved XML */
    config: GuestConfig;
    /** the saved (inactive) XML of a persistent running guest, to find pins a restart would lose */
    saved?: GuestConfig | null;
    /** threads from the /proc snapshot, for running guests when the reader could read them */
    threads?: GuestThread[] | null;
    autoNodeset?: CpuSet | null;
    policy: Policy;
    /** for a running guest: its resident memory per node, KiB, as the reader measured it */
    memory?: Map<number, number> | null;
    /** for a running guest: the CPUs its vCPUs own that other running guests' vCPUs own too (contention.ts) */
    sharing?: { cpu: number; others: string[] }[] | null;
    /** the paths of its NICs and PCI devices on the host (iopath.ts) */
    io?: GuestIoPaths | null;
}

export interface GuestPlacement {
    effective: GuestEffective;
    vcpus: GroupPlacement;
    vcpusPinned: boolean;
    emulator: GroupPlacement;
    iothreads: Map<number, GroupPlacement>;
    /** kernel workers (vhost, kvm-nx-lpage-re) from the snapshot: actual CPUs */
    kernel: GroupPlacement | null;
    memoryNodes: number[] | null;
    /** a running guest's measured memory: per node, in total, and the share on its vCPUs' nodes (null: unpinned) */
    memory: MemoryPlacement | null;
    target: { ok: true; cpus: number[]; llcFallback: boolean } | { ok: false; refusal: TargetRefusal };
    findings: Finding[];
    verdict: Finding;
}

function groupOf(host: HostTopology, cpus: number[], source: GroupPlacement["source"]): GroupPlacement {
    return { cpus, nodes: topologyNodesOf(host, cpus), llcs: topologyLlcsOf(host, cpus), source };
}

/** Are the emulator's CPUs where the policy wants them, i.e. inside the target? */
export function placementAligned(emulatorCpus: CpuSet, target: CpuSet): boolean {
    return cpusetIsSubset(emulatorCpus, target);
}

export interface MemoryPlacement {
    byNode: Map<number, number>;
    totalKiB: number;
    /** the share of it on the nodes of the vCPUs, 0..1; null when the vCPUs may run anywhere */
    local: number | null;
}

/** A finding is made when more than this share of a running guest's memory is off its vCPUs' nodes. */
export const MEMORY_OFF_THRESHOLD = 0.1;

function memoryMeasured(memory: Map<number, number> | null | undefined, vcpuNodes: number[] | null): MemoryPlacement | null {
    if (!memory) return null;
    const totalKiB = [...memory.values()].reduce((a, b) => a + b, 0);
    if (totalKiB <= 0) return null;
    const localKiB = vcpuNodes ? [...memory].filter(([n]) => vcpuNodes.includes(n)).reduce((a, [, k]) => a + k, 0) : 0;
    return { byNode: memory, totalKiB, local: vcpuNodes ? localKiB / totalKiB : null };
}

function memoryNodesOf(config: GuestConfig): number[] | null {
    const nt = config.numatune;
    if (!nt || nt.placement === "auto") return null;
    const sets = [...(nt.nodeset ? [nt.nodeset] : []), ...nt.memnodes.map(m => m.nodeset)];
    return sets.length ? cpusetUnion(...sets) : null;
}

function pinsDiffer(a: GuestEffective, b: GuestEffective): ("vcpus" | "emulator" | "iothreads")[] {
    const out: ("vcpus" | "emulator" | "iothreads")[] = [];
    const mapDiffers = (x: Map<number, { cpus: number[] }>, y: Map<number, { cpus: number[] }>) =>
        [...x].some(([k, v]) => { const o = y.get(k); return o !== undefined && !cpusetEqual(v.cpus, o.cpus) });
    if (mapDiffers(a.vcpus, b.vcpus)) out.push("vcpus");
    if (!cpusetEqual(a.emulator.cpus, b.emulator.cpus)) out.push("emulator");
    if (mapDiffers(a.iothreads, b.iothreads)) out.push("iothreads");
    return out;
}

export function placementCompute(input: GuestPlacementInput): GuestPlacement {
    const { host, config, policy } = input;
    const running = guestIsActive(input.state);
    const effective = guestEffective(config, host, input.autoNodeset);
    const vcpuSets = [...effective.vcpus.values()];
    const union = guestVcpuUnion(effective);
    const vcpusPinned = union.pinned;
    const vcpus = groupOf(host, union.cpus,
                          vcpuSets.every(v => v.source === "pin") ? "pin" : (vcpuSets.find(v => v.source !== "pin")?.source ?? "all"));
    const emulator = groupOf(host, effective.emulator.cpus, effective.emulator.source);
    const iothreads = new Map([...effective.iothreads].map(([id, e]) => [id, groupOf(host, e.cpus, e.source)]));
    const threads = running ? input.threads ?? null : null;
    // vhost and kvm-nx-lpage-re workers; kvm-pit/PID is placed by nothing libvirt sets, so it is not part of it
    const kernelThreads = threads?.filter(t => t.role.kind === "vhost" || (t.role.kind === "kernel-worker" && t.role.follows === "vcpus")) ?? [];
    const kernel = kernelThreads.length ? groupOf(host, cpusetUnion(...kernelThreads.map(t => t.cpus)), "threads") : null;
    const memoryNodes = memoryNodesOf(config);
    const memory = running ? memoryMeasured(input.memory, vcpusPinned ? vcpus.nodes : null) : null;
    const target = policyTarget(host, policy, vcpus.cpus, vcpusPinned);
    const singleNode = topologyIsSingleNode(host);

    const findings: Finding[] = [];
    if (!vcpusPinned && !(singleNode && policy.kind === "node"))
        findings.push({ kind: "vcpus-unpinned" });
    if (target.ok && !placementAligned(emulator.cpus, target.cpus)) {
        const outside = cpusetMinus(emulator.cpus, target.cpus);
        findings.push({
            kind: "emulator-elsewhere", cpus: outside,
            nodes: cpusetMinus(topologyNodesOf(host, outside), vcpus.nodes),
            llcs: cpusetMinus(topologyLlcsOf(host, outside), vcpus.llcs),
        });
    }
    if (threads) {
        const drifting = threads.filter(t => threadDrifts(t, effective))
            .map(t => ({ thread: t, expected: threadExpected(t.role, effective).cpus ?? [] }));
        if (drifting.length) findings.push({ kind: "drift", threads: drifting });
    }
    if (vcpusPinned && vcpus.nodes.length > 1)
        findings.push({ kind: "vcpus-span", nodes: vcpus.nodes });
    if (memory && memory.local !== null) {
        // the kernel's count wins over what numatune says
        if (1 - memory.local > MEMORY_OFF_THRESHOLD) {
            const off = [...memory.byNode].filter(([n, k]) => !vcpus.nodes.includes(n) && k > 0).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
            findings.push({ kind: "memory-elsewhere", nodes: off.map(([n]) => n), measured: { offKiB: off.reduce((a, [, k]) => a + k, 0), totalKiB: memory.totalKiB } });
        }
    } else if (memoryNodes && vcpusPinned) {
        const away = cpusetMinus(memoryNodes, vcpus.nodes);
        if (away.length) findings.push({ kind: "memory-elsewhere", nodes: away });
    }
    if (input.io && vcpusPinned) {
        const devices = ioFarDevices(input.io, vcpus.nodes);
        if (devices.length) findings.push({ kind: "device-elsewhere", devices });
        const nics = ioFarIrqs(host, input.io, vcpus.nodes);
        if (nics.length) findings.push({ kind: "irq-elsewhere", nics });
    }
    if (running && input.sharing?.length)
        findings.push({ kind: "shares-cpus", cpus: input.sharing.map(x => x.cpu), others: [...new Set(input.sharing.flatMap(x => x.others))].sort() });
    if (running && input.persistent && input.saved) {
        const groups = pinsDiffer(effective, guestEffective(input.saved, host, input.autoNodeset));
        if (groups.length) findings.push({ kind: "not-persisted", groups });
    }
    if (findings.length === 0)
        findings.push(singleNode && policy.kind === "node" ? { kind: "single-node" } : { kind: "aligned" });
    findings.sort((a, b) => VERDICT_ORDER.indexOf(a.kind) - VERDICT_ORDER.indexOf(b.kind));
    return {
        effective, vcpus, vcpusPinned, emulator, iothreads, kernel, memoryNodes, memory, target, findings,
        verdict: findings[0]!,
    };
}
