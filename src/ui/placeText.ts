// Words for placing guests: why a placement is refused, why it was proposed, memory modes, what was verified.
import type { OpCheck } from "../model/change";
import { cpusetFormat, cpusetUnion } from "../model/cpuset";
import type { MemMode, PlaceRefusal, Placement, VcpuMode } from "../model/place";
import { topologyNodesOf, type HostTopology } from "../model/topology";
import { checkText } from "./changeText";
import { _, format } from "./i18n";
import { cpusetProblemMessage, nodesText, sizeText } from "./words";

export function placeRefusalText(r: PlaceRefusal): string {
    switch (r.kind) {
    case "no-cpus": return format(_("Not enough CPUs: $0, and $1."),
                                  format(cockpit.ngettext("the guest has $0 vCPU", "the guest has $0 vCPUs", r.need), r.need),
                                  format(cockpit.ngettext("$1 has $0 CPU that no other guest's vCPU is pinned to", "$1 has $0 CPUs that no other guest's vCPU is pinned to", r.free),
                                         r.free, nodesText(r.nodes)));
    case "no-memory":
        if (r.hugepageKiB !== null)
            return format(_("Not enough free huge pages of $0: the guest needs $1 in them, $2 has $3 free."), sizeText(r.hugepageKiB), sizeText(r.needKiB), nodesText(r.nodes), sizeText(r.freeKiB));
        return format(_("Not enough free memory: the guest has $0, $1 has $2 free."), sizeText(r.needKiB), nodesText(r.nodes), sizeText(r.freeKiB));
    case "memory-only": return format(_("$0 has memory but no CPUs: vCPUs cannot run there."), nodesText(r.nodes));
    case "unknown-nodes": return format(_("The host has no $0."), nodesText(r.nodes));
    case "cpus-malformed": return cpusetProblemMessage(r.problem);
    case "cpus-offline": return format(_("CPUs $0 are offline."), cpusetFormat(r.cpus));
    case "cpus-owned": return format(_("Other guests' vCPUs are pinned to $0. Choose other CPUs, or allow sharing them."),
                                     r.cpus.map(c => format(_("CPU $0 ($1)"), c.cpu, c.owners.join(", "))).join("; "));
    }
}

export function memModeHelp(m: MemMode): string {
    switch (m) {
    case "restrictive": return _("Memory only on these nodes, through the cgroup; libvirt can change it while the guest runs.");
    case "strict": return _("Memory only on these nodes; the guest fails to allocate rather than use another node.");
    case "preferred": return _("Memory on these nodes when they have room, else anywhere.");
    }
}

export const vcpuModeName = (m: VcpuMode): string =>
    m === "one-per-vcpu" ? _("One CPU per vCPU") : _("Whole node");

export const vcpuModeHelp = (m: VcpuMode): string => m === "one-per-vcpu"
    ? _("Each vCPU pinned to a CPU of its own: no other guest's vCPU is placed there. Sibling vCPUs of a guest with threads=2 get SMT siblings.")
    : _("Every vCPU allowed on all the free CPUs of the node: the scheduler moves them within it.");

/** "node 3: 4 of 6 CPUs free, 5.8 GiB free memory" */
export function nodeOptionText(node: { id: number; onlineCpus: number; freeCpus: number }, freeKiB: number | undefined): string {
    const mem = freeKiB !== undefined ? format(_("$0 free memory"), sizeText(freeKiB)) : _("free memory unknown");
    return format(_("$0: $1 of $2 CPUs free, $3"), nodesText([node.id]), node.freeCpus, node.onlineCpus, mem);
}

/** Why this placement: "node 3 (where its memory is bound now), 4 CPUs free after it" */
export function placeWhyText(host: HostTopology, p: Placement): string {
    const parts = [format(_("vCPUs on CPUs $0 ($1)"), cpusetFormat(cpusetUnion(...p.vcpus.values())), nodesText(p.nodes))];
    if (p.nearDevices) parts.push(_("next to its NICs and devices"));
    if (p.preferred) parts.push(_("where the guest is now"));
    if (p.cells.length) parts.push(p.cells.map(c => format(_("cell $0 on $1"), c.cell, nodesText([c.node]))).join(", "));
    if (p.memoryKiB !== null && p.freeKiB !== null)
        parts.push(p.hugepageKiB !== null
            ? format(_("its $0 of memory fits in $1 of free $2 huge pages"), sizeText(p.memoryKiB), sizeText(p.freeKiB), sizeText(p.hugepageKiB))
            : format(_("its $0 of memory fits in $1 free"), sizeText(p.memoryKiB), sizeText(p.freeKiB)));
    return parts.join("; ");
}

/** The result of a place: "Verified: the 2 vCPU threads run on CPUs 1,3 (node 3) …", or the first thing not verified. */
export function placeVerifyText(checks: OpCheck[], host: HostTopology): { text: string; ok: boolean } {
    const bad = checks.find(c => c.status !== "verified");
    if (bad) return { text: checkText(bad, host), ok: false };
    const vcpus = checks.filter(c => c.op.kind === "vcpu" && c.op.where === "live" && c.status === "verified");
    const threads = vcpus.reduce((n, c) => n + (c.status === "verified" ? c.threads.length : 0), 0);
    const config = checks.some(c => c.op.where === "config");
    const cpus = cpusetUnion(...vcpus.flatMap(c => c.op.kind === "vcpu" ? [c.op.after] : []));
    const live = threads ? format(cockpit.ngettext("the $0 vCPU thread runs on CPUs $1 ($2)", "the $0 vCPU threads run on CPUs $1 ($2)", threads),
                                  threads, cpusetFormat(cpus), nodesText(topologyNodesOf(host, cpus))) : null;
    const saved = !config ? null : checks.some(c => c.op.kind === "numatune")
        ? _("the saved config has the pins and the memory binding") : _("the saved config has the pins");
    return { text: format(_("Verified: $0."), [live, saved].filter(Boolean).join(_("; "))), ok: true };
}
