// Typed libvirt-dbus calls (org.libvirt.Connect, org.libvirt.Domain), named <thing><verb>, one object argument.
import type { GuestState } from "../model/guest";
import { libvirtCall, type Bus } from "./dbus";

const CONNECT = "org.libvirt.Connect";
const DOMAIN = "org.libvirt.Domain";

/** libvirt-dbus object of the QEMU driver's connection (qemu:///system on the system bus) */
export const QEMU_PATH = "/org/libvirt/QEMU";

/** GetXMLDesc flag: the saved (inactive) XML */
export const XML_INACTIVE = 2;

/** virConnectListAllDomains flags */
export const LIST_PERSISTENT = 4;

export async function domainsList({ bus, flags = 0 }: { bus: Bus; flags?: number }): Promise<string[]> {
    const [paths] = await libvirtCall(bus, QEMU_PATH, CONNECT, "ListDomains", [flags]);
    return (paths as string[]).slice().sort();
}

/** Every domain's state in one call: name -> state (VIR_DOMAIN_STATS_STATE). */
export async function domainStatesGet({ bus }: { bus: Bus }): Promise<Map<string, GuestState>> {
    const [records] = await libvirtCall(bus, QEMU_PATH, CONNECT, "GetAllDomainStats", [1, 0]);
    const out = new Map<string, GuestState>();
    for (const [name, params] of records as [string, Record<string, number>][]) {
        const code = params["state.state"] ?? 0;
        out.set(name, domainStateOf(code));
    }
    return out;
}

/** virDomainState -> the model's states */
export function domainStateOf(code: number): GuestState {
    switch (code) {
    case 1: case 2: case 4: return "running"; // running, blocked, shutting down (its threads still run)
    case 3: case 7: return "paused";  // paused, pmsuspended
    case 5: case 6: return "shutoff"; // shut off, crashed
    default: return "other";
    }
}

export async function domainXmlGet({ bus, path, inactive }: { bus: Bus; path: string; inactive: boolean }): Promise<string> {
    const [xml] = await libvirtCall(bus, path, DOMAIN, "GetXMLDesc", [inactive ? XML_INACTIVE : 0]);
    return xml as string;
}

export async function capabilitiesGet({ bus }: { bus: Bus }): Promise<string> {
    const [xml] = await libvirtCall(bus, QEMU_PATH, CONNECT, "GetCapabilities", []);
    return xml as string;
}

/** One boolean per host CPU: online or not. Its length is the length of every cpumap. */
export async function nodeCpuMapGet({ bus }: { bus: Bus }): Promise<boolean[]> {
    const [map] = await libvirtCall(bus, QEMU_PATH, CONNECT, "NodeGetCPUMap", [0]);
    return map as boolean[];
}

/** Memory of one NUMA cell in KiB: { total, free } from NodeGetMemoryStats(cell, 0). */
export async function nodeMemoryGet({ bus, cell }: { bus: Bus; cell: number }): Promise<{ total: number | null; free: number | null }> {
    const [stats] = await libvirtCall(bus, QEMU_PATH, CONNECT, "NodeGetMemoryStats", [cell, 0]);
    const s = stats as Record<string, number>;
    return { total: s.total ?? null, free: s.free ?? null };
}

/** Domain.PinEmulator: flags 1 = live, 2 = config (one call each: the test driver refuses both at once). */
export async function domainEmulatorPin({ bus, path, cpumap, flags }: { bus: Bus; path: string; cpumap: boolean[]; flags: 1 | 2 }): Promise<void> {
    await libvirtCall(bus, path, DOMAIN, "PinEmulator", [cpumap, flags]);
}

/** Domain.PinIOThread(iothread id, cpumap, flags) */
export async function domainIOThreadPin({ bus, path, iothread, cpumap, flags }: { bus: Bus; path: string; iothread: number; cpumap: boolean[]; flags: 1 | 2 }): Promise<void> {
    await libvirtCall(bus, path, DOMAIN, "PinIOThread", [iothread, cpumap, flags]);
}
