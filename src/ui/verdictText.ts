// Words for the model's findings: a short label and one sentence that says why and names the fix.
import { cpusetFormat } from "../model/cpuset";
import type { FarDevice } from "../model/iopath";
import type { Finding, VerdictKind } from "../model/placement";
import type { PolicyKind } from "../model/policy";
import { _, format } from "./i18n";
import { sizeText, nodesText } from "./words";

export type LabelColor = "green" | "orange" | "red" | "blue" | "grey" | "purple";

export function verdictLabel(kind: VerdictKind, policy: PolicyKind = "node"): { text: string; color: LabelColor } {
    switch (kind) {
    case "aligned": return { text: _("Aligned"), color: "green" };
    case "single-node": return { text: _("Single node"), color: "blue" };
    case "emulator-elsewhere":
        if (policy === "llc") return { text: _("Emulator on other caches"), color: "orange" };
        if (policy === "node") return { text: _("Emulator on other nodes"), color: "orange" };
        return { text: _("Emulator off target"), color: "orange" };
    case "vcpus-unpinned": return { text: _("vCPUs not pinned"), color: "grey" };
    case "vcpus-span": return { text: _("vCPUs span nodes"), color: "orange" };
    case "drift": return { text: _("Drift"), color: "red" };
    case "not-persisted": return { text: _("Not persisted"), color: "purple" };
    case "memory-elsewhere": return { text: _("Memory on other nodes"), color: "orange" };
    case "shares-cpus": return { text: _("Shares CPUs"), color: "red" };
    case "device-elsewhere": return { text: _("Device on another node"), color: "orange" };
    case "irq-elsewhere": return { text: _("Interrupts on other nodes"), color: "orange" };
    }
}

export function findingSentence(f: Finding, policy: PolicyKind): string {
    switch (f.kind) {
    case "aligned":
        return _("The emulator threads run where the vCPUs are; nothing to do.");
    case "single-node":
        return _("This host has one NUMA node, so emulator threads and vCPUs always share it; the LLC, vCPU and housekeeping policies can still be stricter.");
    case "emulator-elsewhere":
        if (policy === "node" || f.nodes.length > 0)
            return format(_("The emulator threads may run on $0, away from the vCPUs: align them to pin them next to the vCPUs."), nodesText(f.nodes));
        if (policy === "llc")
            return format(_("The emulator threads may run outside the vCPUs' last-level caches (CPUs $0): align them."), cpusetFormat(f.cpus));
        return format(_("The emulator threads may run on CPUs $0, outside the target of this policy: align them."), cpusetFormat(f.cpus));
    case "vcpus-unpinned":
        return _("The vCPUs may run on any CPU, so there is nowhere to align the emulator with: pin the vCPUs first (virsh vcpupin).");
    case "vcpus-span":
        return format(_("The vCPUs are pinned across $0: memory and emulator threads cannot be near all of them; pin the vCPUs within one node."), nodesText(f.nodes));
    case "drift":
        return format(cockpit.ngettext(
            "$0 thread runs on other CPUs than configured (for example a vhost worker that did not follow a live emulatorpin): align again with “Also move threads that do not follow”.",
            "$0 threads run on other CPUs than configured (for example a vhost worker that did not follow a live emulatorpin): align again with “Also move threads that do not follow”.",
            f.threads.length), f.threads.length);
    case "shares-cpus":
        return format(cockpit.ngettext(
            "Its vCPUs are pinned to CPU $0, and so are vCPUs of $1: they take turns there. Pin one of the guests elsewhere.",
            "Its vCPUs are pinned to CPUs $0, and so are vCPUs of $1: they take turns there. Pin one of the guests elsewhere.",
            f.cpus.length), cpusetFormat(f.cpus), f.others.join(", "));
    case "not-persisted":
        return format(_("The running guest's pins ($0) differ from its saved config, so a restart loses them: apply them to the config too."), f.groups.join(", "));
    case "device-elsewhere":
        return f.devices.map(farDeviceSentence).join(" ");
    case "irq-elsewhere":
        return f.nics.map(n => format(cockpit.ngettext(
            "The interrupt line $1 of $0 is served on CPUs $2 ($3), away from the vCPUs: set its smp_affinity_list to CPUs of the vCPUs' node (irqbalance, if it runs, may move it back).",
            "The interrupt lines $1 of $0 are served on CPUs $2 ($3), away from the vCPUs: set their smp_affinity_list to CPUs of the vCPUs' node (irqbalance, if it runs, may move them back).",
            n.irqs.length), n.nic, n.irqs.join(", "), cpusetFormat(n.cpus), nodesText(n.nodes))).join(" ");
    case "memory-elsewhere":
        if (f.measured)
            return format(_("$0 of its $1 of memory ($2%) lie on $3, where its vCPUs do not run: every access from the vCPUs to it is remote. Place the guest, or bind its memory to the vCPUs' nodes."),
                          sizeText(f.measured.offKiB), sizeText(f.measured.totalKiB), Math.round(100 * f.measured.offKiB / f.measured.totalKiB), nodesText(f.nodes));
        return format(_("Its memory (numatune) is on $0, where its vCPUs do not run: change numatune to the vCPUs' nodes."), nodesText(f.nodes));
    }
}

function farDeviceSentence(d: FarDevice): string {
    if (d.kind === "pci")
        return format(_("The passed-through device $0 is on $1, away from the vCPUs: its transfers and interrupts cross between nodes. Place the guest on $1."), d.name, nodesText(d.nodes));
    if (d.nodes.length > 1)
        return format(_("Its network traffic goes through $0, whose NICs are on $1: wherever the guest runs, some of it crosses between nodes."), d.name, nodesText(d.nodes));
    return format(_("Its network traffic goes through $0 on $1, away from the vCPUs: every packet crosses between nodes. Place the guest on $1, or connect it to a NIC on the vCPUs' node."), d.name, nodesText(d.nodes));
}
