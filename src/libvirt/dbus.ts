// The one place that talks to libvirt-dbus (org.libvirt): a call wrapper that unwraps variants once and turns
// D-Bus and libvirt errors into a few kinds the page can explain.

import type { Connection } from "../model/threads";

// A libvirt connection and its D-Bus bus are one: qemu:///system's libvirt-dbus is on the system bus, the user's
// qemu:///session's on the user's session bus.

export type LibvirtErrorKind =
    | "no-libvirt-dbus"   // org.libvirt is not on the bus (not installed or not running)
    | "no-libvirtd"       // libvirt-dbus answers but cannot reach libvirtd
    | "denied"            // not authorized (polkit, no admin rights)
    | "vanished"          // the domain no longer exists
    | "other";

export class LibvirtError extends Error {
    readonly kind: LibvirtErrorKind;
    readonly dbusName: string;
    constructor(kind: LibvirtErrorKind, message: string, dbusName: string) {
        super(message);
        this.name = "LibvirtError";
        this.kind = kind;
        this.dbusName = dbusName;
    }
}

const clients = new Map<Connection, cockpit.DBusClient>();
/** the bus name's owner each client last reported (absent: not reported yet) */
const owners = new WeakMap<cockpit.DBusClient, string | null>();
let callCount = 0;

/** How many libvirt-dbus calls this page has made since it loaded (shown to tests and the benchmark). */
export const libvirtCallCount = (): number => callCount;

export function libvirtClient(connection: Connection): cockpit.DBusClient {
    let client = clients.get(connection);
    if (!client) {
        client = cockpit.dbus("org.libvirt", { bus: connection, superuser: connection === "system" ? "try" : undefined });
        const c = client;
        // a closed client (libvirt-dbus gone, bridge restarted) is replaced on the next call
        client.addEventListener("close", () => { if (clients.get(connection) === c) clients.delete(connection) });
        client.addEventListener("owner", (_ev: Event, owner: string | null) => { owners.set(c, owner) });
        clients.set(connection, client);
    }
    return client;
}

/** Drops the cached clients, so that the next call opens new channels (used when recovering). */
export function libvirtReset(): void {
    for (const c of clients.values()) c.close();
    clients.clear();
}

interface Variant { t: string; v: unknown }

function isVariant(x: unknown): x is Variant {
    return typeof x === "object" && x !== null && "t" in x && "v" in x && Object.keys(x).length === 2;
}

/** cockpit.dbus gives variants as {t, v}; properties from GetAll may come wrapped twice. */
export function unwrapVariants(x: unknown): unknown {
    while (isVariant(x)) x = x.v;
    if (Array.isArray(x)) return x.map(unwrapVariants);
    if (typeof x === "object" && x !== null)
        return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, unwrapVariants(v)]));
    return x;
}

export function libvirtErrorOf(e: unknown): LibvirtError {
    if (e instanceof LibvirtError) return e;
    const err = (e ?? {}) as Partial<cockpit.BasicError>;
    const name = err.name ?? err.problem ?? "";
    const message = err.message ?? String(e);
    let kind: LibvirtErrorKind = "other";
    if (/ServiceUnknown|NameHasNoOwner|Spawn\.|NoReply/.test(name) || err.problem === "not-found")
        kind = "no-libvirt-dbus";
    else if (/libvirt-sock|Failed to connect socket|no connection driver|Cannot recv data|connection.*closed|not running/i.test(message))
        kind = "no-libvirtd";
    else if (/AccessDenied|access-denied|not-authorized|InteractiveAuthorizationRequired/.test(name) || /authoriz|access denied|Permission denied/i.test(message))
        kind = "denied";
    else if (/UnknownObject|UnknownMethod/.test(name) || /Domain not found|no domain with matching/i.test(message))
        kind = "vanished";
    return new LibvirtError(kind, message, name);
}

/**
 * When the bus refuses this user any message to org.libvirt (the system bus lets only root and the libvirt group
 * in), cockpit cannot introspect it and says only that the method's "introspection data" is missing: a ping with
 * an explicit signature gets the bus's own answer, so that the page can say the user is not allowed.
 */
async function refusedByBus(connection: Connection, path: string): Promise<LibvirtError | null> {
    try {
        await libvirtClient(connection).call(path, "org.freedesktop.DBus.Peer", "Ping", [], { type: "", timeout: 10000 });
        return null;
    } catch (e) {
        const err = libvirtErrorOf(e);
        return err.kind === "denied" ? err : null;
    }
}

/**
 * Calls in flight per connection, at most: the bus refuses a connection more pending replies than its limit
 * (dbus-daemon's max_replies_per_connection: 128 on Debian's system bus, shared by every page of the session's
 * bridge), and a read of 70 guests (two XML texts each, asked for at once) failed as a whole with "The maximum
 * number of pending replies per connection has been reached". The others wait their turn, in order.
 */
export const CALLS_IN_FLIGHT = 32;
const lanes = new Map<Connection, { busy: number; waiting: (() => void)[] }>();

async function laneEnter(connection: Connection): Promise<void> {
    let lane = lanes.get(connection);
    if (!lane) lanes.set(connection, lane = { busy: 0, waiting: [] });
    if (lane.busy >= CALLS_IN_FLIGHT) await new Promise<void>(resolve => lane.waiting.push(resolve));
    else lane.busy++;
}

function laneLeave(connection: Connection): void {
    const lane = lanes.get(connection)!;
    const next = lane.waiting.shift();
    if (next) next(); // the slot passes to the next call
    else lane.busy--;
}

/** Calls a libvirt-dbus method and returns its out arguments with variants unwrapped. */
export async function libvirtCall(connection: Connection, path: string, iface: string, method: string, args: unknown[]): Promise<unknown[]> {
    callCount++;
    await laneEnter(connection);
    try {
        const reply = await libvirtClient(connection).call(path, iface, method, args, { timeout: 30000 });
        return unwrapVariants(reply) as unknown[];
    } catch (e) {
        const err = libvirtErrorOf(e);
        if (/^Introspection data for method .* not available$/.test(err.message))
            throw await refusedByBus(connection, path) ?? err;
        throw err;
    } finally {
        laneLeave(connection);
    }
}

/** Calls back when libvirt-dbus appears on or leaves the connection's bus (owner null), not for the first report of who owns it. */
export function libvirtOwnerWatch(connection: Connection, callback: (owner: string | null) => void): () => void {
    const client = libvirtClient(connection);
    // the client's first report only says who owns the name now (its first call made it ask): a change is one
    // that differs from a report before it
    let last = owners.has(client) ? owners.get(client) : undefined;
    const handler = (_ev: Event, owner: string | null) => {
        const before = last;
        last = owner;
        if (before !== undefined && before !== owner) callback(owner);
    };
    client.addEventListener("owner", handler);
    return () => client.removeEventListener("owner", handler);
}

export function libvirtSubscribe(connection: Connection, match: cockpit.DBusMatch,
                                 callback: (path: string, member: string, args: unknown[]) => void): cockpit.Subscription {
    return libvirtClient(connection).subscribe(match, (path, _iface, signal, args) => callback(path, signal, unwrapVariants(args) as unknown[]));
}
