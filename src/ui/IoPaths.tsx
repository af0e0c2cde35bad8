// A guest's I/O path in its details: for each NIC, from the vCPUs and the vhost worker to the bridge, the physical
// NICs and the CPUs serving their interrupts, each with its node; and each passed-through PCI device's node.
import React from "react";
import { cpusetFormat, cpusetUnion } from "../model/cpuset";
import type { GuestIoPaths, NicPath, PhysicalNic } from "../model/iopath";
import type { GuestPlacement } from "../model/placement";
import { topologyNodesOf, type HostTopology } from "../model/topology";
import { _, format } from "./i18n";
import { nodesText } from "./words";

const nodeText = (node: number | null | undefined): string =>
    node === undefined ? _("not read yet") : node === null ? _("node unknown (the firmware does not say)") : nodesText([node]);

function irqText(host: HostTopology, nic: PhysicalNic): string {
    if (!nic.irqs.length) return _("no interrupt lines read");
    const served = nic.irqs.filter(q => q.effective);
    const lines = nic.irqs.map(q => q.irq).join(", ");
    if (!served.length) return format(cockpit.ngettext("interrupt $0: the kernel does not say where it is served", "interrupts $0: the kernel does not say where they are served", nic.irqs.length), lines);
    const cpus = cpusetUnion(...served.map(q => q.effective!));
    return format(cockpit.ngettext("interrupt $0 on CPUs $1 ($2)", "interrupts $0 on CPUs $1 ($2)", nic.irqs.length), lines, cpusetFormat(cpus), nodesText(topologyNodesOf(host, cpus)));
}

function nicWhat(p: NicPath): string {
    const n = p.nic;
    switch (n.kind) {
    case "bridge": return format(_("bridge $0"), n.source ?? p.via ?? "?");
    case "network": return format(_("network $0"), n.network ?? "?");
    case "direct": return format(_("macvtap on $0"), n.source ?? "?");
    case "hostdev": return format(_("passed-through NIC $0"), n.pci ?? "?");
    case "ethernet": return format(_("tap $0"), n.target ?? "?");
    case "user": return _("user-mode networking");
    default: return _("other interface");
    }
}

function noteText(p: NicPath): string | null {
    switch (p.note) {
    case "user": return _("QEMU's own networking: no host NIC carries it.");
    case "no-uplink": return format(_("$0 has no physical NIC: the host routes its traffic (NAT or an isolated network)."), p.via ?? p.nic.target ?? nicWhat(p));
    case "unresolved": return _("Not found among the host's interfaces (a shut-off guest's network is resolved when it runs).");
    default: return null;
    }
}

export const IoPaths = ({ host, io, placement }: { host: HostTopology; io: GuestIoPaths; placement: GuestPlacement }) => {
    if (!io.nics.length && !io.hostdevs.length) return null;
    const vcpus = placement.vcpusPinned ? nodesText(placement.vcpus.nodes) : _("any node");
    const vhost = placement.kernel ? format(_("vhost: $0"), nodesText(placement.kernel.nodes)) : null;
    return (
        <ul className="np-io" data-testid="io-paths">
            {io.nics.map((p, i) => (
                <li key={i} data-testid="io-nic" data-kind={p.nic.kind} data-via={p.via ?? ""} data-note={p.note ?? ""}
                    data-physical={p.physical.map(n => `${n.name}:${n.node ?? "unknown"}`).join(",")}>
                    <strong>{format(_("NIC $0"), p.nic.mac ?? i + 1)}</strong>{": "}
                    {format(_("vCPUs: $0"), vcpus)}
                    {vhost && <>{" → "}{vhost}</>}
                    {" → "}{nicWhat(p)}
                    {p.via && p.nic.kind !== "bridge" && p.nic.kind !== "direct" && <>{" → "}{format(_("bridge $0"), p.via)}</>}
                    {p.nic.kind === "hostdev" && <>{" ("}{nodeText(p.pciNode)}{")"}</>}
                    {p.physical.map(n => (
                        <span key={n.name} data-nic={n.name} data-node={n.node ?? "unknown"}
                              data-irqs={n.irqs.map(q => `${q.irq}:${q.effective ? cpusetFormat(q.effective) : "-"}`).join(" ")}>
                            {" → "}{format(_("$0 ($1), $2"), n.name, nodeText(n.node), irqText(host, n))}
                        </span>
                    ))}
                    {noteText(p) && <>{" "}<span className="np-note">{noteText(p)}</span></>}
                </li>
            ))}
            {io.hostdevs.map(d => (
                <li key={d.pci} data-testid="io-hostdev" data-pci={d.pci} data-node={d.node === undefined ? "" : d.node ?? "unknown"}>
                    <strong>{format(_("PCI device $0"), d.pci)}</strong>{": "}{nodeText(d.node)}
                </li>
            ))}
        </ul>
    );
};
