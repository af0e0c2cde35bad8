// Words for the model's values, shared by the components: states, thread roles, policies, sizes, node lists.
import type { CpusetProblem } from "../model/cpuset";
import type { GuestProblem, GuestState } from "../model/guest";
import type { MapRole } from "../model/hostmap";
import type { PolicyKind } from "../model/policy";
import type { SnapshotProblem, ThreadRole } from "../model/threads";
import { _, format } from "./i18n";

export const nodesText = (nodes: number[]): string =>
    nodes.length === 0 ? _("none") : cockpit.ngettext("node $0", "nodes $0", nodes.length).replace("$0", nodes.join(", "));

export function stateText(state: GuestState): string {
    switch (state) {
    case "running": return _("Running");
    case "paused": return _("Paused");
    case "shutoff": return _("Shut off");
    default: return _("Other");
    }
}

export function roleName(role: ThreadRole): string {
    switch (role.kind) {
    case "vcpu": return format(_("vCPU $0"), role.index);
    case "emulator": return role.main ? _("emulator (main)") : _("emulator");
    case "monitor": return _("monitor");
    case "iothread": return format(_("I/O thread $0"), role.id);
    case "vhost": return role.kernelThread ? _("vhost worker (kernel thread)") : _("vhost worker");
    case "kernel-worker": return _("kernel worker");
    }
}

export const roleText = (role: MapRole): string => ({
    vcpu: _("vCPUs"), emulator: _("Emulator threads"), iothread: _("I/O threads"), kernel: _("Kernel workers (vhost)"),
    irq: _("Interrupts of its NICs"),
})[role];

export const sizeText = (kib: number): string =>
    kib >= 1024 * 1024 ? format(_("$0 GiB"), (kib / 1024 / 1024).toFixed(1)) : format(_("$0 MiB"), Math.round(kib / 1024));

/** "node 0: 12 MiB, node 3: 52 MiB": memory per node, leaving out nodes with less than half a MiB of it */
export function memoryByNodeText(m: Map<number, number>): string {
    const all = [...m].sort((a, b) => a[0] - b[0]);
    const some = all.filter(([, k]) => k >= 512);
    return (some.length ? some : all).map(([n, k]) => `${nodesText([n])}: ${sizeText(k)}`).join(", ");
}

export function policyName(p: PolicyKind): string {
    switch (p) {
    case "node": return _("NUMA node");
    case "llc": return _("Last-level cache");
    case "vcpus": return _("vCPU CPUs");
    case "housekeeping": return _("Housekeeping");
    case "custom": return _("Custom CPU list");
    }
}

export function policyHelp(p: PolicyKind): string {
    switch (p) {
    case "node": return _("Emulator threads on the NUMA nodes the vCPUs use (the article's choice).");
    case "llc": return _("Emulator threads within the last-level caches the vCPUs use.");
    case "vcpus": return _("Emulator threads on exactly the vCPUs' CPUs.");
    case "housekeeping": return _("Emulator threads on the vCPUs' nodes, but off the vCPUs' own CPUs.");
    case "custom": return _("Emulator threads on a CPU list you give.");
    }
}

/** What went wrong reading the threads, as one sentence. */
export function snapshotProblemText(p: SnapshotProblem): string {
    switch (p.kind) {
    case "not-a-snapshot": return _("The thread reader answered with something that is not a list of threads.");
    case "no-pid-access": return _("libvirt's list of guest processes cannot be read without administrative access: guests were found by their command line instead.");
    case "malformed": return format(_("The thread reader's line $0 could not be read; it was left out."), p.line);
    case "other": return format(_("The thread reader reported a problem this page does not know ($0)."), p.code);
    }
}

export function cpusetProblemMessage(p: CpusetProblem): string {
    switch (p.kind) {
    case "empty-input": return _("Enter a CPU list, such as 1,3,5 or 0-7.");
    case "empty-term": return format(_("“$0” has an empty entry between commas."), p.part);
    case "not-a-number": return format(_("“$0” is not a CPU number or range."), p.part);
    case "reversed-range": return format(_("“$0” is a range that ends before it starts."), p.part);
    case "beyond-host": return format(_("“$0”: CPU $1 does not exist on this host (CPUs 0-$2)."), p.part, p.cpu, p.cpuCount - 1);
    case "too-large": return format(_("“$0”: CPU $1 is beyond the largest CPU id accepted ($2)."), p.part, p.cpu, p.max);
    case "selects-nothing": return format(_("“$0” selects no CPU."), p.part);
    }
}

/** A part of a guest's XML the page could not take as it is, and what it did instead. */
export function guestProblemText(p: GuestProblem): string {
    switch (p.kind) {
    case "cpuset": return format(_("$0: $1 It is left out."), p.element, cpusetProblemMessage(p.problem));
    case "count": return format(_("$0: $1 is more than this page takes ($2); it is ignored."), p.element, p.value, p.max);
    }
}
