// Both libvirt connections as one page: qemu:///system always, and the logged-in user's qemu:///session when
// the probe found guests there. One connection failing while the other works shows the guests that could be
// read, with the failure named per connection, instead of an error page.
import { useCallback, useEffect, useState } from "react";
import { sessionProbe } from "../host/session";
import type { LibvirtError } from "../libvirt/dbus";
import type { GuestRecord, HostRecord } from "../libvirt/guests";
import type { Connection } from "../model/threads";
import { useHostData } from "./useHostData";

export type PageData =
    | { status: "loading" }
    | { status: "error"; error: LibvirtError }
    | { status: "ready"; host: HostRecord; guests: GuestRecord[]; problems: { connection: Connection; error: LibvirtError }[] };

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
    const extra = { reload, hold, session };

    const userPending = session === null || user.status === "loading";
    if (system.status === "ready") {
        const problems = user.status === "error" ? [{ connection: "session" as const, error: user.error }] : [];
        const guests = user.status === "ready"
            ? [...system.guests, ...user.guests].sort((a, b) => a.name.localeCompare(b.name) || a.bus.localeCompare(b.bus))
            : system.guests;
        return { status: "ready", host: system.host, guests, problems, ...extra };
    }
    if (system.status === "error") {
        if (user.status === "ready")
            return { status: "ready", host: user.host, guests: user.guests, problems: [{ connection: "system", error: system.error }], ...extra };
        if (userPending) return { status: "loading", ...extra };
        return { status: "error", error: system.error, ...extra };
    }
    return { status: "loading", ...extra };
}
