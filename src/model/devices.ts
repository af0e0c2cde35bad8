// The host's devices in the /proc snapshot (the reader's -d, src/host/devices-reader.sh): network interfaces with
// the NUMA node of their device, how they stack (bridge ports, bond slaves, VLANs, macvtap), the interrupt lines of
// each device with their affinity, and the PCI devices given to guests. Records (fields separated by one TAB):
//   D<TAB>NODE<TAB>PCI<TAB>IF                         NODE "-": no device (virtual); -1: the firmware does not say
//   L<TAB>LOWER<TAB>UPPER                             UPPER stacks on LOWER
//   Q<TAB>IRQ<TAB>AFFINITY<TAB>EFFECTIVE<TAB>IF       an interrupt line of IF's device ("-": not readable)
//   P<TAB>NODE<TAB>PCI                                a PCI device asked for
import { cpusetParse } from "./cpuset";

export interface IrqLine {
    irq: number;
    /** the CPUs it may be served on (smp_affinity_list); null when unreadable */
    affinity: number[] | null;
    /** the CPUs it is served on (effective_affinity_list); null when the kernel does not say */
    effective: number[] | null;
}

export interface NetInterface {
    name: string;
    /** the device behind it; null for a virtual interface (bridge, bond, VLAN, tap, macvtap) */
    device: { node: number | null; pci: string | null } | null;
    /** the interfaces it stacks on */
    lowers: string[];
    irqs: IrqLine[];
}

export interface HostDevices {
    nets: Map<string, NetInterface>;
    /** PCI devices asked for (guests' <hostdev>), by address: their node, null when the firmware does not say */
    pci: Map<string, number | null>;
}

export type DeviceRecordProblem = "device" | "link" | "irq" | "pci";

const PCI_ADDRESS = /^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/;
export const pciAddressValid = (s: string): boolean => PCI_ADDRESS.test(s);

const nodeOf = (s: string): number | null | undefined =>
    s === "-1" ? null : /^\d{1,4}$/.test(s) ? Number(s) : undefined;

const cpusOf = (s: string): number[] | null | undefined => {
    if (s === "-") return null;
    try { return cpusetParse(s) } catch { return undefined }
};

/** Adds one D, L, Q or P record to devices; returns the problem of a malformed one, null when taken. */
export function devicesRecord(devices: HostDevices, f: string[]): DeviceRecordProblem | null {
    const net = (name: string): NetInterface => {
        let n = devices.nets.get(name);
        if (!n) devices.nets.set(name, (n = { name, device: null, lowers: [], irqs: [] }));
        return n;
    };
    switch (f[0]) {
    case "D": {
        if (f.length !== 4 || !f[3]) return "device";
        const node = f[1] === "-" ? "-" : nodeOf(f[1]!);
        if (node === undefined || (f[2] !== "-" && !PCI_ADDRESS.test(f[2]!))) return "device";
        net(f[3]).device = node === "-" ? null : { node, pci: f[2] === "-" ? null : f[2]! };
        return null;
    }
    case "L":
        if (f.length !== 3 || !f[1] || !f[2]) return "link";
        net(f[1]);
        net(f[2]).lowers.push(f[1]);
        return null;
    case "Q": {
        if (f.length !== 5 || !/^\d+$/.test(f[1]!) || !f[4]) return "irq";
        const affinity = cpusOf(f[2]!), effective = cpusOf(f[3]!);
        if (affinity === undefined || effective === undefined) return "irq";
        net(f[4]).irqs.push({ irq: Number(f[1]), affinity, effective });
        return null;
    }
    case "P": {
        const node = nodeOf(f[1] ?? "");
        if (f.length !== 3 || node === undefined || !PCI_ADDRESS.test(f[2]!)) return "pci";
        devices.pci.set(f[2]!, node);
        return null;
    }
    }
    return null;
}

/** The interfaces stacked on name (a tap's bridge, a bond's bridge). */
export const devicesUppers = (devices: HostDevices, name: string): string[] =>
    [...devices.nets.values()].filter(n => n.lowers.includes(name)).map(n => n.name);

/** The interfaces with a device at the bottom of name's stack (name itself when it has one), each once. */
export function devicesPhysicalBelow(devices: HostDevices, name: string): NetInterface[] {
    const out: NetInterface[] = [];
    const seen = new Set<string>();
    const walk = (n: string) => {
        if (seen.has(n)) return;
        seen.add(n);
        const net = devices.nets.get(n);
        if (!net) return;
        if (net.device) out.push(net);
        net.lowers.forEach(walk);
    };
    walk(name);
    return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** The physical network interfaces of each node ("unknown" for those the firmware gives no node). */
export function devicesByNode(devices: HostDevices): Map<number | "unknown", NetInterface[]> {
    const out = new Map<number | "unknown", NetInterface[]>();
    for (const n of devices.nets.values()) {
        if (!n.device) continue;
        const key = n.device.node ?? "unknown";
        out.set(key, [...(out.get(key) ?? []), n]);
    }
    for (const nics of out.values()) nics.sort((a, b) => a.name.localeCompare(b.name));
    return out;
}
