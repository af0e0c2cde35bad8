// The page's data: host topology and guests of one libvirt connection, kept current by libvirt-dbus signals.
import { useCallback, useEffect, useRef, useState } from "react";
import { libvirtErrorOf, libvirtOwnerWatch, libvirtReset, libvirtSubscribe, type Bus, type LibvirtError } from "../libvirt/dbus";
import { QEMU_PATH } from "../libvirt/api";
import { guestsLoad, hostLoad, type GuestRecord } from "../libvirt/guests";
import type { HostTopology } from "../model/topology";

export type HostData =
    | { status: "loading" }
    | { status: "error"; error: LibvirtError }
    | { status: "ready"; host: HostTopology; guests: GuestRecord[] };

const RETRY_MS = 5000;
const COALESCE_MS = 250;

export function useHostData(bus: Bus): HostData & { reload: () => void } {
    const [data, setData] = useState<HostData>({ status: "loading" });
    // bumped when the connection is dropped after an error, so that the signal subscriptions are made again
    const [epoch, setEpoch] = useState(0);
    const generation = useRef(0);
    const timer = useRef<number | null>(null);

    const load = useCallback(async () => {
        const mine = ++generation.current;
        try {
            const [host, guests] = await Promise.all([hostLoad({ bus }), guestsLoad({ bus })]);
            if (mine === generation.current) setData({ status: "ready", host, guests });
        } catch (e) {
            if (mine === generation.current) {
                // a failed connection is reopened on the next try
                libvirtReset();
                setEpoch(n => n + 1);
                setData({ status: "error", error: libvirtErrorOf(e) });
            }
        }
    }, [bus]);

    const schedule = useCallback((ms: number) => {
        if (timer.current !== null) window.clearTimeout(timer.current);
        timer.current = window.setTimeout(() => { timer.current = null; void load() }, ms);
    }, [load]);

    useEffect(() => { void load() }, [load]);

    useEffect(() => {
        const subs = [
            libvirtSubscribe(bus, { path: QEMU_PATH, interface: "org.libvirt.Connect", member: "DomainEvent" }, () => schedule(COALESCE_MS)),
            libvirtSubscribe(bus, { path_namespace: QEMU_PATH, interface: "org.libvirt.Domain", member: "Tunable" }, () => schedule(COALESCE_MS)),
        ];
        // libvirt-dbus leaving the bus (stopped, crashed): read again, which either activates it or shows why not
        const unwatch = libvirtOwnerWatch(bus, () => schedule(COALESCE_MS));
        return () => {
            unwatch();
            subs.forEach(s => s.remove());
            if (timer.current !== null) window.clearTimeout(timer.current);
        };
    }, [bus, epoch, schedule]);

    // while libvirt is unreachable, try again every few seconds, so the page recovers by itself
    useEffect(() => {
        if (data.status !== "error") return;
        const t = window.setTimeout(() => void load(), RETRY_MS);
        return () => window.clearTimeout(t);
    }, [data, load]);

    return { ...data, reload: () => void load() };
}
