// The page's data: host topology and guests of one libvirt connection, kept current by libvirt-dbus signals.
// The topology is read once (it does not change while the page is open); guests are read again on every
// domain event or tunable change, coalesced. (The nodes' free memory comes with the threads: src/host/threads.ts.)
import { useCallback, useEffect, useRef, useState } from "react";
import { QEMU_PATH, domainStatesGet } from "../libvirt/api";
import { libvirtErrorOf, libvirtOwnerWatch, libvirtReset, libvirtSubscribe, type LibvirtError } from "../libvirt/dbus";
import type { Connection } from "../model/threads";
import { guestsKeep, guestsLoad, hostLoad, type GuestRecord } from "../libvirt/guests";
import type { HostTopology } from "../model/topology";

export type HostData =
    | { status: "off" }       // the connection is not used (qemu:///session of a user without guests there)
    | { status: "loading" }
    | { status: "error"; error: LibvirtError }
    | { status: "ready"; topology: HostTopology; guests: GuestRecord[]; unreadable: string[] };

const RETRY_MS = 5000;
/** libvirt sends no signal when libvirtd itself goes away (and libvirt-dbus may not re-register its events when
 *  libvirtd comes back): one call for every guest's state notices both, while the page is visible */
const LIVENESS_MS = 5000;
const COALESCE_MS = 250;
/** every how many liveness ticks everything is read again all the same (every 30 s): a safety net for a signal
 *  libvirt-dbus did not deliver, e.g. a live pin right after libvirtd restarted */
const FULL_EVERY = 6;

const statesKey = (states: [string, string][]): string =>
    states.map(([n, s]) => `${n}\u0000${s}`).sort().join("\u0001");

export type HostDataHook = HostData & { reload: () => void; hold: (on: boolean) => void };

export function useHostData(connection: Connection, enabled = true): HostDataHook {
    const [data, setData] = useState<HostData>(enabled ? { status: "loading" } : { status: "off" });
    // bumped when the connection is dropped after an error, so that the signal subscriptions are made again
    const [epoch, setEpoch] = useState(0);
    const generation = useRef(0);
    const topology = useRef<HostTopology | null>(null);
    const timer = useRef<number | null>(null);

    const statesSeen = useRef<string>(""); // the guests' object paths and states as last loaded
    const guestsSeen = useRef<GuestRecord[] | null>(null);
    const unreadableSeen = useRef<string[]>([]);

    const load = useCallback(async () => {
        const mine = ++generation.current;
        try {
            // the topology (read once) while the guests are read
            const topoRead = topology.current ? Promise.resolve(topology.current) : hostLoad({ connection });
            const [topo, loaded] = await Promise.all([topoRead, guestsLoad({ connection })]);
            if (mine !== generation.current) return;
            topology.current = topo;
            const guests = guestsSeen.current = guestsKeep(guestsSeen.current, loaded.guests);
            const unreadable = loaded.unreadable.join() === unreadableSeen.current.join() ? unreadableSeen.current : loaded.unreadable;
            unreadableSeen.current = unreadable;
            statesSeen.current = statesKey(guests.map(g => [g.path, g.state]));
            setData(d => d.status === "ready" && d.topology === topo && d.guests === guests && d.unreadable === unreadable
                ? d : { status: "ready", topology: topo, guests, unreadable });
        } catch (e) {
            if (mine !== generation.current) return;
            // a failed connection is reopened on the next try; the topology is read again then
            libvirtReset();
            topology.current = null;
            guestsSeen.current = null;
            setEpoch(n => n + 1);
            setData({ status: "error", error: libvirtErrorOf(e) });
        }
    }, [connection]);

    // while held (a batch of pins is running, each one signalling a change), signals start no re-read: the
    // caller reads once when the batch is over
    const held = useRef(false);

    const schedule = useCallback((ms: number) => {
        if (held.current) return;
        if (timer.current !== null) window.clearTimeout(timer.current);
        timer.current = window.setTimeout(() => { timer.current = null; void load() }, ms);
    }, [load]);

    useEffect(() => {
        if (!enabled) { generation.current++; setData({ status: "off" }); return }
        setData(d => d.status === "off" ? { status: "loading" } : d);
        void load();
    }, [load, enabled]);

    useEffect(() => {
        if (!enabled) return;
        const subs = [
            libvirtSubscribe(connection, { path: QEMU_PATH, interface: "org.libvirt.Connect", member: "DomainEvent" }, () => schedule(COALESCE_MS)),
            libvirtSubscribe(connection, { path_namespace: QEMU_PATH, interface: "org.libvirt.Domain", member: "Tunable" }, () => schedule(COALESCE_MS)),
        ];
        // libvirt-dbus leaving the bus (stopped, crashed): read again, which either activates it or shows why not
        const unwatch = libvirtOwnerWatch(connection, () => schedule(COALESCE_MS));
        return () => {
            unwatch();
            subs.forEach(s => s.remove());
            if (timer.current !== null) window.clearTimeout(timer.current);
        };
    }, [connection, enabled, epoch, schedule]);

    // while visible and ready: every guest's state every few seconds; a failure (libvirtd gone) or a change (an
    // event missed, e.g. across a libvirtd restart) reads everything again, and so does every sixth tick
    useEffect(() => {
        if (data.status !== "ready") return;
        let timer: number | null = null;
        let ticks = 0;
        const tick = () => {
            if (cockpit.hidden) return;
            if (++ticks % FULL_EVERY === 0 && !held.current) { void load(); return }
            domainStatesGet({ connection }).then(
                states => { if (statesKey([...states]) !== statesSeen.current) void load() },
                () => void load());
        };
        const arm = () => {
            if (timer !== null) window.clearInterval(timer);
            timer = cockpit.hidden ? null : window.setInterval(tick, LIVENESS_MS);
        };
        arm();
        cockpit.addEventListener("visibilitychange", arm);
        return () => {
            cockpit.removeEventListener("visibilitychange", arm);
            if (timer !== null) window.clearInterval(timer);
        };
    }, [connection, data.status, load]);

    // while libvirt is unreachable, try again every few seconds, so the page recovers by itself
    useEffect(() => {
        if (data.status !== "error") return;
        const t = window.setTimeout(() => void load(), RETRY_MS);
        return () => window.clearTimeout(t);
    }, [data, load]);

    const hold = useCallback((on: boolean) => { held.current = on }, []);

    const reload = useCallback(() => { if (enabled) void load() }, [enabled, load]);
    return { ...data, reload, hold };
}
