// Each guest's I/O path on the host: for every NIC, the host interfaces that carry it down to the physical NICs
// (with their nodes and interrupt lines), and the node of every passed-through PCI device; and what is far from the
// vCPUs. The stack is the kernel's (lower_* links, devices.ts): a tap in a bridge, the bridge over a VLAN over a
// bond over two NICs; macvtap over its parent; libvirt's NAT network a bridge with no physical port at all.
import { cpusetMinus, cpusetUnion } from "./cpuset";
import { devicesPhysicalBelow, devicesUppers, type HostDevices, type IrqLine } from "./devices";
import type { GuestIo, GuestNic } from "./guestio";
import { topologyNodesOf, type HostTopology } from "./topology";

export interface PhysicalNic {
    name: string;
    /** null: the firmware does not say */
    node: number | null;
    irqs: IrqLine[];
}

export type NicPathNote =
    /** QEMU's user networking: no host interface at all */
    | "user"
    /** its bridge (or tap) has no physical port: the host routes its traffic (libvirt's NAT network) */
    | "no-uplink"
    /** not found among the host's interfaces (a shut-off guest's network, or not read yet) */
    | "unresolved";

export interface NicPath {
    nic: GuestNic;
    /** the host interface its traffic goes through above the NICs (bridge, macvtap's parent), when there is one */
    via: string | null;
    physical: PhysicalNic[];
    /** a passed-through NIC (hostdev): its node as the host reads it; undefined when not read */
    pciNode?: number | null;
    note: NicPathNote | null;
}

export interface DevicePath {
    pci: string;
    /** null: the firmware does not say; undefined: not read (yet) */
    node: number | null | undefined;
}

export interface GuestIoPaths {
    nics: NicPath[];
    hostdevs: DevicePath[];
}

function topOf(devices: HostDevices, name: string): string {
    const seen = new Set([name]);
    let top = name;
    for (let ups = devicesUppers(devices, top); ups.length && !seen.has(ups[0]!); ups = devicesUppers(devices, top)) {
        top = ups[0]!;
        seen.add(top);
    }
    return top;
}

function nicPath(nic: GuestNic, devices: HostDevices | undefined): NicPath {
    const empty = { nic, via: null, physical: [] };
    if (nic.kind === "user") return { ...empty, note: "user" };
    if (nic.kind === "hostdev") return { ...empty, pciNode: nic.pci ? devices?.pci.get(nic.pci) : undefined, note: null };
    if (!devices) return { ...empty, note: "unresolved" };
    // a running guest: from its tap up to the bridge it is a port of, then down; else from what the XML names
    const start = nic.target && devices.nets.has(nic.target)
        ? topOf(devices, nic.target)
        : nic.source && devices.nets.has(nic.source) ? nic.source : null;
    if (!start) return { ...empty, note: "unresolved" };
    const physical = devicesPhysicalBelow(devices, start).map(n => ({ name: n.name, node: n.device!.node, irqs: n.irqs }));
    const via = start === nic.target ? (nic.kind === "direct" ? nic.source : null) : start;
    return { nic, via, physical, note: physical.length ? null : "no-uplink" };
}

/** The paths of a guest's NICs and PCI devices; devices undefined until the host's have been read. */
export function ioPaths(io: GuestIo, devices: HostDevices | undefined): GuestIoPaths {
    return {
        nics: io.nics.map(n => nicPath(n, devices)),
        hostdevs: io.hostdevs.map(pci => ({ pci, node: devices ? devices.pci.get(pci) : undefined })),
    };
}

/** The guest's PCI devices (passed-through NICs and <hostdev>s) with their nodes as the host read them. */
export const ioPciDevices = (paths: GuestIoPaths): DevicePath[] => [
    ...paths.nics.flatMap(p => p.nic.pci ? [{ pci: p.nic.pci, node: p.pciNode }] : []),
    ...paths.hostdevs,
];

/** The nodes of all the guest's NICs and PCI devices (known ones only): the planner prefers them. */
export const ioDeviceNodes = (paths: GuestIoPaths): number[] =>
    cpusetUnion(...paths.nics.map(p => nicPathNodes(p)), paths.hostdevs.flatMap(d => d.node != null ? [d.node] : []));

/** The nodes a NIC path's devices are on (known ones only). */
export const nicPathNodes = (p: NicPath): number[] =>
    cpusetUnion(p.physical.flatMap(n => n.node === null ? [] : [n.node]), p.pciNode != null ? [p.pciNode] : []);

/** A device of the guest's I/O on nodes its vCPUs do not use. */
export interface FarDevice {
    /** the interface or bridge named for it ("br0", "ens1f0"), or the PCI address */
    name: string;
    kind: "nic" | "pci";
    /** every node its devices are on (a bond across two nodes lists both) */
    nodes: number[];
}

/** The guest's NICs and PCI devices with a device on a node its vCPUs (on vcpuNodes) do not use. */
export function ioFarDevices(paths: GuestIoPaths, vcpuNodes: number[]): FarDevice[] {
    const out: FarDevice[] = [];
    for (const p of paths.nics) {
        const nodes = nicPathNodes(p);
        if (!cpusetMinus(nodes, vcpuNodes).length) continue;
        const name = p.nic.kind === "hostdev" ? p.nic.pci ?? "" : p.via ?? p.physical.map(n => n.name).join(", ");
        out.push({ name, kind: p.nic.kind === "hostdev" ? "pci" : "nic", nodes });
    }
    for (const d of paths.hostdevs)
        if (d.node != null && !vcpuNodes.includes(d.node)) out.push({ name: d.pci, kind: "pci", nodes: [d.node] });
    // one entry per device: two NICs of a guest on one bridge name it once
    return out.filter((d, i) => out.findIndex(o => o.name === d.name && o.kind === d.kind) === i);
}

/** A physical NIC on the vCPUs' nodes whose interrupts are served on other nodes. */
export interface FarIrqs {
    nic: string;
    irqs: number[];
    /** the CPUs they are served on (effective affinity), and their nodes */
    cpus: number[];
    nodes: number[];
}

export function ioFarIrqs(host: HostTopology, paths: GuestIoPaths, vcpuNodes: number[]): FarIrqs[] {
    const out: FarIrqs[] = [];
    for (const n of paths.nics.flatMap(p => p.physical)) {
        if (n.node === null || !vcpuNodes.includes(n.node) || out.some(o => o.nic === n.name)) continue;
        const far = n.irqs.filter(q => q.effective && cpusetMinus(topologyNodesOf(host, q.effective), vcpuNodes).length);
        if (!far.length) continue;
        const cpus = cpusetUnion(...far.map(q => q.effective!));
        out.push({ nic: n.name, irqs: far.map(q => q.irq), cpus, nodes: cpusetMinus(topologyNodesOf(host, cpus), vcpuNodes) });
    }
    return out;
}
