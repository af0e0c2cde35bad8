// The host map's lines for devices: each node's physical NICs (the selected guest's marked) and the selected guest's
// PCI devices there, its huge pages of each size; and the NICs the firmware gives no node.
import React from "react";
import type { NetInterface } from "../model/devices";
import { ioPciDevices, type GuestIoPaths } from "../model/iopath";
import type { HugePages } from "../model/threads";
import { _, format } from "./i18n";
import { sizeText } from "./words";

/** The names of the selected guest's physical NICs and its PCI devices. */
export const ioNames = (io: GuestIoPaths | null): Set<string> =>
    new Set(io ? [...io.nics.flatMap(p => p.physical.map(n => n.name)), ...ioPciDevices(io).map(d => d.pci)] : []);

/** "NICs: eno1, ens1f0 (rhel64)" for a node; the selected guest's PCI devices on it */
export const NodeDevices = ({ nics, pci, mine, guestName }: { nics: NetInterface[]; pci: string[]; mine: Set<string>; guestName: string | null }) => {
    if (!nics.length && !pci.length) return null;
    return (
        <small className="np-node-mem np-devices" data-testid="map-nics" data-nics={nics.map(n => n.name).join(",")}>
            {nics.length > 0 && format(_("NICs: $0"), "")}
            {nics.map((n, i) => (
                <React.Fragment key={n.name}>
                    {i > 0 && ", "}
                    <span data-nic={n.name} data-mine={mine.has(n.name)} className={mine.has(n.name) ? "np-mine" : undefined}
                          title={mine.has(n.name) ? format(_("carries traffic of $0"), guestName ?? "") : undefined}>{n.name}</span>
                </React.Fragment>
            ))}
            {pci.length > 0 && <span className="np-mine" data-testid="map-pci">{nics.length > 0 && "; "}{format(_("devices of $0: $1"), guestName ?? "", pci.join(", "))}</span>}
        </small>
    );
};

/** The NICs whose node the firmware does not give (numa_node -1): said, never guessed. */
export const UnknownNodeDevices = ({ nics, mine }: { nics: NetInterface[]; mine: Set<string> }) => nics.length ? (
    <p className="np-note" data-testid="map-nics-unknown" data-nics={nics.map(n => n.name).join(",")}>
        {format(_("NICs on no known node (the firmware does not say): $0"), nics.map(n => mine.has(n.name) ? format(_("$0 (the selected guest's)"), n.name) : n.name).join(", "))}
    </p>
) : null;

/** "2 MiB huge pages: 12 of 512 free", for each page size the kernel reserved some of on this node */
export const HugePagesLine = ({ sizes }: { sizes: HugePages[] | undefined }) => {
    if (!sizes) return null;
    const reserved = sizes.filter(h => h.total > 0);
    return (
        <small className="np-node-mem" data-testid="map-hugepages" data-hugepages={sizes.map(h => `${h.sizeKiB}:${h.total}:${h.free}`).join(",")}>
            {reserved.map(h => format(_("$0 huge pages: $1 of $2 free"), sizeText(h.sizeKiB), h.free, h.total)).join("; ")}
        </small>
    );
};
