// Loads the host topology and every guest of one connection, parsed by the model.
import type { GuestNow } from "../model/change";
import { guestIsActive, guestParse, type GuestConfig, type GuestState } from "../model/guest";
import { topologyParse, type HostTopology } from "../model/topology";
import { XmlError } from "../model/xml";
import { LIST_ACTIVE, LIST_PERSISTENT, capabilitiesGet, domainStatesGet, domainsList, domainXmlGet, nodeCpuMapGet } from "./api";
import { libvirtErrorOf } from "./dbus";
import type { Connection } from "../model/threads";

export interface GuestRecord {
    /** unique on the page: the connection and the object path (a name or a UUID may be in both connections) */
    key: string;
    connection: Connection;
    path: string;
    name: string;
    uuid: string;
    state: GuestState;
    persistent: boolean;
    /** live XML for a running guest, the saved XML otherwise */
    config: GuestConfig;
    /** saved XML of a persistent guest (same as config when it is shut off) */
    saved: GuestConfig | null;
    /** what the record was read from (state, persistence, both XML texts): equal signatures, equal records */
    signature: string;
}

/** The guest as the page has it, in the change engine's terms: the live XML of a running guest, the saved XML. */
export const guestRecordNow = (g: GuestRecord): GuestNow => ({ live: guestIsActive(g.state) ? g.config : null, saved: g.saved });

/** The host's topology: static while the page is open, read once (and again after libvirt came back). */
export async function hostLoad({ connection }: { connection: Connection }): Promise<HostTopology> {
    const [caps, cpumap] = await Promise.all([capabilitiesGet({ connection }), nodeCpuMapGet({ connection })]);
    return topologyParse(caps, cpumap);
}

/**
 * Every guest of the connection, in few calls and two rounds: the lists of all, of persistent and of running
 * persistent domains and every state (domainStatesGet's lists), then per guest its XML and, at the same time, the
 * saved XML of a running persistent guest.
 * Guests that vanish while being read are left out; a guest whose XML cannot be read at all is left out and
 * named in `unreadable` (its object path), so that one bad guest never keeps the others from showing.
 */
export async function guestsLoad({ connection }: { connection: Connection }): Promise<{ guests: GuestRecord[]; unreadable: string[] }> {
    const pathsRead = domainsList({ connection });
    const [paths, persistentPaths, activePersistentPaths, states] = await Promise.all([
        pathsRead, domainsList({ connection, flags: LIST_PERSISTENT }),
        domainsList({ connection, flags: LIST_ACTIVE | LIST_PERSISTENT }),
        domainStatesGet({ connection, all: pathsRead }),
    ]);
    const persistent = new Set(persistentPaths);
    // asked for with the live XML; a guest that started since the list gets its saved XML after its live one
    const savedRead = new Map(activePersistentPaths.map(path => {
        const read = domainXmlGet({ connection, path, inactive: true });
        read.catch(() => { /* the guest's own read says why */ });
        return [path, read];
    }));
    const unreadable: string[] = [];
    const one = async (path: string): Promise<GuestRecord | null> => {
        try {
            const xml = await domainXmlGet({ connection, path, inactive: false });
            const config = guestParse(xml);
            const state = states.get(path) ?? (config.id !== null ? "running" : "shutoff");
            const running = guestIsActive(state);
            const isPersistent = persistent.has(path);
            const savedXml = isPersistent && running ? await (savedRead.get(path) ?? domainXmlGet({ connection, path, inactive: true })) : null;
            const saved = isPersistent ? (savedXml !== null ? guestParse(savedXml) : config) : null;
            const signature = [state, isPersistent, xml, savedXml ?? ""].join("\u0000");
            return { key: `${connection}:${path}`, connection, path, name: config.name, uuid: config.uuid, state, persistent: isPersistent, config, saved, signature };
        } catch (e) {
            if (e instanceof XmlError) { unreadable.push(path); return null }
            const err = libvirtErrorOf(e);
            if (err.kind === "vanished") return null;
            throw err;
        }
    };
    const results = await Promise.all(paths.map(one));
    const guests = results.filter((g): g is GuestRecord => g !== null).sort((a, b) => a.name.localeCompare(b.name));
    return { guests, unreadable: unreadable.sort() };
}

/** The new list, reusing the previous records (and the previous list itself) where nothing changed: what did not
 *  change keeps its identity, so that nothing downstream re-reads or re-renders for a load that found no change. */
export function guestsKeep(previous: GuestRecord[] | null, next: GuestRecord[]): GuestRecord[] {
    if (!previous) return next;
    const old = new Map(previous.map(g => [g.key, g]));
    const kept = next.map(g => { const o = old.get(g.key); return o && o.signature === g.signature ? o : g });
    return kept.length === previous.length && kept.every((g, i) => g === previous[i]) ? previous : kept;
}
