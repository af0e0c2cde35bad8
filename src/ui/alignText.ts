// Words for align plans, operations and their results.
import type { AlignOp } from "../model/align";
import { cpusetFormat, cpusetProblemText, type CpusetProblem } from "../model/cpuset";
import type { TargetRefusal } from "../model/policy";
import { topologyLlcsOf, topologyNodesOf, type HostTopology } from "../model/topology";
import type { OpResult } from "./alignRun";
import { _, format } from "./i18n";
import { nodesText } from "./verdictText";

export function cpusetProblemMessage(p: CpusetProblem): string {
    switch (p.kind) {
    case "empty-input": return _("Enter a CPU list, such as 1,3,5 or 0-7.");
    case "empty-term": return format(_("“$0” has an empty entry between commas."), p.part);
    case "not-a-number": return format(_("“$0” is not a CPU number or range."), p.part);
    case "reversed-range": return format(_("“$0” is a range that ends before it starts."), p.part);
    case "beyond-host": return format(_("“$0”: CPU $1 does not exist on this host (CPUs 0-$2)."), p.part, p.cpu, p.cpuCount - 1);
    case "selects-nothing": return format(_("“$0” selects no CPU."), p.part);
    default: return cpusetProblemText(p);
    }
}

export function refusalText(r: TargetRefusal): string {
    switch (r.kind) {
    case "vcpus-unpinned": return _("The vCPUs are not pinned, so there is nothing to align the emulator threads with. Pin the vCPUs first (virsh vcpupin), or choose a custom CPU list.");
    case "housekeeping-empty": return format(_("The vCPUs use every CPU of $0: no CPU is left there for housekeeping. Choose another policy."), nodesText(r.nodes));
    case "no-online-cpu": return format(_("None of the CPUs $0 is online."), cpusetFormat(r.cpus));
    case "custom-malformed": return cpusetProblemMessage(r.problem);
    case "custom-offline": return format(_("CPUs $0 are offline."), cpusetFormat(r.cpus));
    }
}

/** "1,3,5 (node 3, L3 #1)" */
export function placeText(host: HostTopology, cpus: number[]): string {
    const nodes = nodesText(topologyNodesOf(host, cpus));
    const llcs = host.llcKnown ? topologyLlcsOf(host, cpus).map(l => format(_("L3 #$0"), l)).join(", ") : "";
    return `${cpusetFormat(cpus)} (${llcs ? `${nodes}; ${llcs}` : nodes})`;
}

export const whereText = (where: "live" | "config"): string =>
    where === "live" ? _("running guest") : _("saved config");

export function opText(op: AlignOp): string {
    switch (op.kind) {
    case "emulator": return format(_("Emulator threads of the $0 on CPUs $1"), whereText(op.where), cpusetFormat(op.target));
    case "iothread": return format(_("I/O thread $0 of the $1 on CPUs $2"), op.id, whereText(op.where), cpusetFormat(op.target));
    case "move-threads": return format(_("Threads $0 moved to CPUs $1"), op.tids.join(", "), cpusetFormat(op.target));
    }
}

function opShort(op: AlignOp): string {
    switch (op.kind) {
    case "emulator": return whereText(op.where);
    case "iothread": return format(_("I/O thread $0 of the $1"), op.id, whereText(op.where));
    case "move-threads": return format(_("threads $0"), op.tids.join(", "));
    }
}

/** "running guest changed; saved config not changed: <libvirt's message>"; null when nothing failed */
export function partialText(results: OpResult[]): string | null {
    const failed = results.find(r => r.status === "failed");
    if (!failed) return null;
    const applied = results.filter(r => r.status === "applied").map(r => opShort(r.op));
    const notApplied = results.filter(r => r.status !== "applied").map(r => opShort(r.op));
    const reason = failed.errorKind === "vanished" ? _("the guest no longer exists") : (failed.error ?? "");
    if (!applied.length)
        return format(_("Nothing changed ($0 not changed): $1"), notApplied.join(", "), reason);
    return format(_("$0 changed; $1 not changed: $2"), applied.join(", "), notApplied.join(", "), reason);
}
