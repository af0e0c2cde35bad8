// Policies for where emulator threads belong, relative to the vCPUs (see doc/architecture.md, "Policies").
import { cpusetIntersect, cpusetMinus, type CpuSet, type CpusetProblem } from "./cpuset";
import {
    topologyCpuList, topologyCpusOfLlcs, topologyCpusOfNodes, topologyLlcsOf, topologyNodesOf, type HostTopology,
} from "./topology";

export type PolicyKind = "node" | "llc" | "vcpus" | "housekeeping" | "custom";
export const POLICY_KINDS: readonly PolicyKind[] = ["node", "llc", "vcpus", "housekeeping", "custom"];

export type Policy =
    | { kind: "node" | "llc" | "vcpus" | "housekeeping" }
    | { kind: "custom"; cpus: string };

export type TargetRefusal =
    | { kind: "vcpus-unpinned" }
    | { kind: "housekeeping-empty"; nodes: number[] }
    | { kind: "no-online-cpu"; cpus: number[] }
    | { kind: "custom-malformed"; problem: CpusetProblem }
    | { kind: "custom-offline"; cpus: number[] };

export type TargetResult =
    | { ok: true; cpus: number[]; /** llc policy on a host without cache banks fell back to nodes */ llcFallback: boolean }
    | { ok: false; refusal: TargetRefusal };

export function policyParse(kind: string | undefined, custom?: string): Policy {
    if (kind === "custom") return { kind: "custom", cpus: custom ?? "" };
    if (kind === "llc" || kind === "vcpus" || kind === "housekeeping") return { kind };
    return { kind: "node" };
}

/**
 * Where the emulator threads should run for vCPUs on vcpuCpus (the union of the vCPUs' effective sets).
 * vcpusPinned is false when any vCPU may run on every online CPU: then there is nothing to align with.
 */
export function policyTarget(host: HostTopology, policy: Policy, vcpuCpus: CpuSet, vcpusPinned: boolean): TargetResult {
    if (policy.kind === "custom") {
        const list = topologyCpuList(host, policy.cpus);
        if (list.ok) return { ok: true, cpus: list.cpus, llcFallback: false };
        return { ok: false, refusal: "problem" in list ? { kind: "custom-malformed", problem: list.problem } : { kind: "custom-offline", cpus: list.offline } };
    }
    if (!vcpusPinned)
        return { ok: false, refusal: { kind: "vcpus-unpinned" } };
    const nodes = topologyNodesOf(host, vcpuCpus);
    let cpus: number[];
    let llcFallback = false;
    switch (policy.kind) {
    case "node":
        cpus = topologyCpusOfNodes(host, nodes);
        break;
    case "llc":
        if (host.llcKnown) {
            cpus = topologyCpusOfLlcs(host, topologyLlcsOf(host, vcpuCpus));
        } else {
            cpus = topologyCpusOfNodes(host, nodes);
            llcFallback = true;
        }
        break;
    case "vcpus":
        cpus = cpusetIntersect([...vcpuCpus], host.online);
        break;
    case "housekeeping":
        cpus = cpusetMinus(topologyCpusOfNodes(host, nodes), vcpuCpus);
        if (cpus.length === 0) return { ok: false, refusal: { kind: "housekeeping-empty", nodes } };
        break;
    }
    if (cpus.length === 0) return { ok: false, refusal: { kind: "no-online-cpu", cpus: [...vcpuCpus] } };
    return { ok: true, cpus, llcFallback };
}
