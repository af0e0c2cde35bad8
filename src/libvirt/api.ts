// Typed libvirt-dbus calls (org.libvirt.Connect, org.libvirt.Domain), named <thing><verb>, one object argument.
import type { GuestState } from "../model/guest";
import { libvirtCall, type Bus } from "./dbus";

const CONNECT = "org.libvirt.Connect";
const DOMAIN = "org.libvirt.Domain";
const PROPS = "org.freedesktop.DBus.Properties";

/** libvirt-dbus object of the QEMU driver's connection (qemu:///system on the system bus) */
export const QEMU_PATH = "/org/libvirt/QEMU";

/** libvirt-dbus flags */
export const AFFECT_LIVE = 1;
export const AFFECT_CONFIG = 2;
export const XML_INACTIVE = 2;

export interface DomainProps {
    path: string;
    name: string;
    uuid: string;
    active: boolean;
    persistent: boolean;
    id: number;
}

export async function domainsList({ bus }: { bus: Bus }): Promise<string[]> {
    const [paths] = await libvirtCall(bus, QEMU_PATH, CONNECT, "ListDomains", [0]);
    return (paths as string[]).slice().sort();
}

export async function domainPropsGet({ bus, path }: { bus: Bus; path: string }): Promise<DomainProps> {
    const [props] = await libvirtCall(bus, path, PROPS, "GetAll", [DOMAIN]);
    const p = props as Record<string, unknown>;
    return {
        path,
        name: String(p.Name ?? ""),
        uuid: String(p.UUID ?? ""),
        active: Boolean(p.Active),
        persistent: Boolean(p.Persistent),
        id: Number(p.Id ?? 0),
    };
}

/** virDomainState -> the model's states */
export function domainStateOf(code: number): GuestState {
    switch (code) {
    case 1: case 2: return "running"; // running, blocked
    case 3: case 7: return "paused";  // paused, pmsuspended
    case 4: case 5: case 6: return "shutoff"; // shutting down counts as running below; crashed and shutoff are off
    default: return "other";
    }
}

export async function domainStateGet({ bus, path }: { bus: Bus; path: string }): Promise<GuestState> {
    const [state] = await libvirtCall(bus, path, DOMAIN, "GetState", [0]);
    const code = (state as number[])[0] ?? 0;
    return code === 4 ? "running" : domainStateOf(code);
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
