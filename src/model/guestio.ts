// A guest's I/O devices in its domain XML (https://libvirt.org/formatdomain.html#network-interfaces and
// #host-device-assignment): each <interface> with what carries it on the host, and each PCI <hostdev>.
import { child, children } from "./xml";

/** <interface type=...>: how the guest's NIC reaches the host */
export type NicKind = "bridge" | "network" | "direct" | "hostdev" | "ethernet" | "user" | "other";

export interface GuestNic {
    kind: NicKind;
    /** the host interface named in the XML: the bridge (bridge; network, in a running guest's live XML), or the
     *  device macvtap sits on (direct) */
    source: string | null;
    /** the libvirt network (network) */
    network: string | null;
    /** the guest's own interface on the host (tap, macvtap), in a running guest's live XML */
    target: string | null;
    /** the PCI address of a passed-through NIC (hostdev, e.g. an SR-IOV VF) */
    pci: string | null;
    mac: string | null;
}

export interface GuestIo {
    nics: GuestNic[];
    /** PCI devices passed through with <hostdev type='pci'> (not those of an <interface type='hostdev'>) */
    hostdevs: string[];
}

/** The PCI addresses the guest names: passed-through NICs and <hostdev>s (the reader asks for their nodes). */
export const guestIoPci = (io: GuestIo): string[] => [...io.nics.flatMap(n => n.pci ? [n.pci] : []), ...io.hostdevs];

const KINDS: readonly NicKind[] = ["bridge", "network", "direct", "hostdev", "ethernet", "user"];

/** "0000:3b:02.1" from <address domain='0x0000' bus='0x3b' slot='0x02' function='0x1'/>; null when malformed */
function pciOf(address: Element | null): string | null {
    if (!address || (address.getAttribute("type") ?? "pci") !== "pci") return null;
    const part = (name: string, digits: number, max: number): string | null => {
        const raw = (address.getAttribute(name) ?? (name === "domain" ? "0" : "")).trim();
        if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(raw)) return null;
        const n = Number(raw);
        return n <= max ? n.toString(16).padStart(digits, "0") : null;
    };
    const d = part("domain", 4, 0xffff), b = part("bus", 2, 0xff), s = part("slot", 2, 0x1f), f = part("function", 1, 7);
    return d && b && s && f ? `${d}:${b}:${s}.${f}` : null;
}

const attr = (el: Element | null, name: string): string | null => el?.getAttribute(name) || null;

/** The guest's interfaces and PCI host devices, from the <devices> of a domain XML. */
export function guestIoOf(domain: Element): GuestIo {
    const devices = child(domain, "devices");
    const nics = children(devices, "interface").map((i): GuestNic => {
        const type = i.getAttribute("type") ?? "";
        const kind = (KINDS as readonly string[]).includes(type) ? type as NicKind : "other";
        const source = child(i, "source");
        return {
            kind,
            source: kind === "direct" ? attr(source, "dev") : kind === "bridge" || kind === "network" ? attr(source, "bridge") : null,
            network: kind === "network" ? attr(source, "network") : null,
            target: attr(child(i, "target"), "dev"),
            pci: kind === "hostdev" ? pciOf(child(source, "address")) : null,
            mac: attr(child(i, "mac"), "address"),
        };
    });
    const hostdevs = children(devices, "hostdev")
        .filter(h => h.getAttribute("mode") !== "capabilities" && h.getAttribute("type") === "pci")
        .map(h => pciOf(child(h, "source", "address")))
        .filter((p): p is string => p !== null);
    return { nics, hostdevs };
}
