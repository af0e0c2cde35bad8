// Typed libvirt-dbus calls (org.libvirt.Connect, org.libvirt.Domain), named <thing><verb>, one object argument.
import type { GuestState } from "../model/guest";
import { libvirtCall } from "./dbus";
import type { Connection } from "../model/threads";

const CONNECT = "org.libvirt.Connect";
const DOMAIN = "org.libvirt.Domain";

/** libvirt-dbus object of the QEMU driver's connection (qemu:///system, on the system bus) */
export const QEMU_PATH = "/org/libvirt/QEMU";

/** GetXMLDesc flags: the saved (inactive) XML; with secrets (what `virsh edit` reads before it defines) */
export const XML_INACTIVE = 2;
export const XML_SECURE = 1;

/** virConnectListAllDomains flags: those of one group are alternatives, groups combine (ACTIVE | PERSISTENT: the running
 *  or paused persistent guests) */
export const LIST_ACTIVE = 1;
export const LIST_PERSISTENT = 4;

export async function domainsList({ connection, flags = 0 }: { connection: Connection; flags?: number }): Promise<string[]> {
    const [paths] = await libvirtCall(connection, QEMU_PATH, CONNECT, "ListDomains", [flags]);
    return (paths as string[]).slice().sort();
}

/** virConnectListAllDomains' state filters (one group: alternatives) */
export const LIST_RUNNING = 16;
export const LIST_PAUSED = 32;
export const LIST_SHUTOFF = 64;

/**
 * Every domain's state: object path -> state, from the lists of running, paused and shut-off domains (three small
 * calls, asked for at once with `all`, the list of every domain, when the caller is reading it already). A domain
 * in none of them (blocked, shutting down, crashed, suspended) is asked for its own state. Not GetAllDomainStats:
 * Cockpit 287's bridge (Debian 12) keeps about 9 KiB of every reply of it (its nested variants); polled every 5 s
 * with this page open alone, the bridge grew by about 16 MB an hour (found by make bench's soak, bench/soak.json).
 */
export async function domainStatesGet({ connection, all }: { connection: Connection; all?: Promise<string[]> }): Promise<Map<string, GuestState>> {
    const [every, running, paused, shutoff] = await Promise.all([
        all ?? domainsList({ connection }), domainsList({ connection, flags: LIST_RUNNING }),
        domainsList({ connection, flags: LIST_PAUSED }), domainsList({ connection, flags: LIST_SHUTOFF }),
    ]);
    const out = new Map<string, GuestState>();
    for (const p of running) out.set(p, "running");
    for (const p of paused) out.set(p, "paused");
    for (const p of shutoff) out.set(p, "shutoff");
    await Promise.all(every.filter(p => !out.has(p)).map(path => domainStateGet({ connection, path }).then(
        state => { out.set(path, state) },
        () => { /* vanished since the list: its own read says so */ })));
    return out;
}

/** one domain's state (Domain.GetState) */
export async function domainStateGet({ connection, path }: { connection: Connection; path: string }): Promise<GuestState> {
    const [[state]] = await libvirtCall(connection, path, DOMAIN, "GetState", [0]) as [[number, number]]; // (state, reason)
    return domainStateOf(state);
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

export async function domainXmlGet({ connection, path, inactive, secure = false }: { connection: Connection; path: string; inactive: boolean; secure?: boolean }): Promise<string> {
    const [xml] = await libvirtCall(connection, path, DOMAIN, "GetXMLDesc", [(inactive ? XML_INACTIVE : 0) | (secure ? XML_SECURE : 0)]);
    return xml as string;
}

/** Connect.DomainDefineXML: the saved config replaced by xml (as `virsh define`) */
export async function domainDefine({ connection, xml }: { connection: Connection; xml: string }): Promise<void> {
    await libvirtCall(connection, QEMU_PATH, CONNECT, "DomainDefineXML", [xml]);
}

export async function capabilitiesGet({ connection }: { connection: Connection }): Promise<string> {
    const [xml] = await libvirtCall(connection, QEMU_PATH, CONNECT, "GetCapabilities", []);
    return xml as string;
}

/** One boolean per host CPU: online or not. Its length is the length of every cpumap. */
export async function nodeCpuMapGet({ connection }: { connection: Connection }): Promise<boolean[]> {
    const [map] = await libvirtCall(connection, QEMU_PATH, CONNECT, "NodeGetCPUMap", [0]);
    return map as boolean[];
}

/** Domain.PinEmulator: flags 1 = live, 2 = config (one call each: the test driver refuses both at once). */
export async function domainEmulatorPin({ connection, path, cpumap, flags }: { connection: Connection; path: string; cpumap: boolean[]; flags: 1 | 2 }): Promise<void> {
    await libvirtCall(connection, path, DOMAIN, "PinEmulator", [cpumap, flags]);
}

/** Domain.PinIOThread(iothread id, cpumap, flags) */
export async function domainIOThreadPin({ connection, path, iothread, cpumap, flags }: { connection: Connection; path: string; iothread: number; cpumap: boolean[]; flags: 1 | 2 }): Promise<void> {
    await libvirtCall(connection, path, DOMAIN, "PinIOThread", [iothread, cpumap, flags]);
}

/** Domain.PinVcpu(vcpu, cpumap, flags) */
export async function domainVcpuPin({ connection, path, vcpu, cpumap, flags }: { connection: Connection; path: string; vcpu: number; cpumap: boolean[]; flags: 1 | 2 }): Promise<void> {
    await libvirtCall(connection, path, DOMAIN, "PinVcpu", [vcpu, cpumap, flags]);
}

/** virDomainNumatuneMemMode: the numa_mode typed parameter */
export const NUMA_MODE_CODE: Record<string, number> = { strict: 0, preferred: 1, interleave: 2, restrictive: 3 };

/** Domain.SetNumaParameters({numa_mode, numa_nodeset}, flags), as `virsh numatune --mode --nodeset` */
export async function domainNumaSet({ connection, path, mode, nodeset, flags }: { connection: Connection; path: string; mode: string; nodeset: string; flags: 1 | 2 }): Promise<void> {
    const code = NUMA_MODE_CODE[mode];
    if (code === undefined) throw new Error(`unknown memory mode ${mode}`);
    await libvirtCall(connection, path, DOMAIN, "SetNumaParameters", [{ numa_mode: { t: "i", v: code }, numa_nodeset: { t: "s", v: nodeset } }, flags]);
}
