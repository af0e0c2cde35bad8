// Both libvirt connections as one page: qemu:///system always, and the logged-in user's qemu:///session when
// the probe found guests there. One connection failing while the other works shows the guests that could be
// read, with the failure named per connection, instead of an error page.
import { useCallback, useEffect, useMemo, useState } from "react";
import { sessionProbe } from "../host/session";
import type { LibvirtError } from "../libvirt/dbus";
import type { GuestRecord } from "../libvirt/guests";
import type { Connection } from "../model/threads";
import type { HostTopology } from "../model/topology";
import { useHostData } from "./useHostData";

export type PageData =
    | { status: "loading" }
    | { status: "error"; error: LibvirtError }
    | {
        status: "ready"; topology: HostTopology; guests: GuestRecord[];
        problems: { connection: Connection; error: LibvirtError }[];
        /** guests whose XML could not be read at all, by connection and object path: not shown */
        unreadable: { connection: Connection; path: string }[];
    };

export function usePageData(): PageData & { reload: () => void; hold: (on: boolean) => void; session: boolean | null } {
    // null while the probe runs
    const [session, setSession] = useState<boolean | null>(null);
    useEffect(() => {
        let alive = true;
        void sessionProbe().then(info => { if (alive) setSession(info?.hasGuests ?? false) });
        return () => { alive = false };
    }, []);
    const system = useHostData("system");
    const user = useHostData("session", session === true);

    const reload = useCallback(() => { system.reload(); user.reload() }, [system.reload, user.reload]); // eslint-disable-line react-hooks/exhaustive-deps
    const hold = useCallback((on: boolean) => { system.hold(on); user.hold(on) }, [system.hold, user.hold]); // eslint-disable-line react-hooks/exhaustive-deps
    // the merged list and the page's data keep their identity until a connection's data changes: the page reads
    // threads again when the guests change, and a new list on every render would make every render a read
    const systemGuests = system.status === "ready" ? system.guests : null;
    const userGuests = user.status === "ready" ? user.guests : null;
    const guests = useMemo(() => systemGuests && userGuests
        ? [...systemGuests, ...userGuests].sort((a, b) => a.name.localeCompare(b.name) || a.connection.localeCompare(b.connection))
        : systemGuests ?? userGuests ?? [], [systemGuests, userGuests]);
    const systemTopology = system.status === "ready" ? system.topology : null;
    const userTopology = user.status === "ready" ? user.topology : null;
    const systemUnreadable = system.status === "ready" ? system.unreadable : null;
    const userUnreadable = user.status === "ready" ? user.unreadable : null;
    const unreadable = useMemo(() => [
        ...(systemUnreadable ?? []).map(path => ({ connection: "system" as const, path })),
        ...(userUnreadable ?? []).map(path => ({ connection: "session" as const, path })),
    ], [systemUnreadable, userUnreadable]);
    const systemError = system.status === "error" ? system.error : null;
    const userError = user.status === "error" ? user.error : null;
    const userPending = session === null || user.status === "loading";
    const data: PageData = useMemo(() => {
        if (systemTopology) {
            const problems = userError ? [{ connection: "session" as const, error: userError }] : [];
            return { status: "ready", topology: systemTopology, guests, problems, unreadable };
        }
        if (systemError) {
            if (userTopology) return { status: "ready", topology: userTopology, guests, problems: [{ connection: "system", error: systemError }], unreadable };
            if (userPending) return { status: "loading" };
            return { status: "error", error: systemError };
        }
        return { status: "loading" };
    }, [systemTopology, userTopology, systemError, userError, userPending, guests, unreadable]);
    return useMemo(() => ({ ...data, reload, hold, session }), [data, reload, hold, session]);
}
