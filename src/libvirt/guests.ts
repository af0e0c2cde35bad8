// Loads the host topology and every guest of one connection, parsed by the model.
import { guestParse, type GuestConfig, type GuestState } from "../model/guest";
import { topologyParse, type HostTopology } from "../model/topology";
import { capabilitiesGet, domainPropsGet, domainStateGet, domainsList, domainXmlGet, nodeCpuMapGet } from "./api";
import { libvirtErrorOf, type Bus } from "./dbus";

export interface GuestRecord {
    bus: Bus;
    path: string;
    name: string;
    uuid: string;
    state: GuestState;
    persistent: boolean;
    /** live XML for a running guest, the saved XML otherwise */
    config: GuestConfig;
    /** saved XML of a persistent guest (same as config when it is shut off) */
    saved: GuestConfig | null;
}

export async function hostLoad({ bus }: { bus: Bus }): Promise<HostTopology> {
    const [caps, cpumap] = await Promise.all([capabilitiesGet({ bus }), nodeCpuMapGet({ bus })]);
    return topologyParse(caps, cpumap);
}

export async function guestLoad({ bus, path }: { bus: Bus; path: string }): Promise<GuestRecord> {
    const [props, state] = await Promise.all([domainPropsGet({ bus, path }), domainStateGet({ bus, path })]);
    const running = state === "running" || state === "paused";
    const [xml, savedXml] = await Promise.all([
        domainXmlGet({ bus, path, inactive: false }),
        props.persistent && running ? domainXmlGet({ bus, path, inactive: true }) : Promise.resolve(null),
    ]);
    const config = guestParse(xml);
    return {
        bus, path, name: props.name, uuid: props.uuid, state, persistent: props.persistent, config,
        saved: props.persistent ? (savedXml ? guestParse(savedXml) : config) : null,
    };
}

/** Every guest of the connection; guests that vanish while being read are left out. */
export async function guestsLoad({ bus }: { bus: Bus }): Promise<GuestRecord[]> {
    const paths = await domainsList({ bus });
    const results = await Promise.all(paths.map(path => guestLoad({ bus, path }).catch(e => {
        const err = libvirtErrorOf(e);
        if (err.kind === "vanished") return null;
        throw err;
    })));
    return results.filter((g): g is GuestRecord => g !== null).sort((a, b) => a.name.localeCompare(b.name));
}
