// The one D-Bus wrapper (src/libvirt/dbus.ts) against a fake cockpit.dbus client that behaves as the system bus
// does at its limit: more pending replies than dbus-daemon's max_replies_per_connection (128 on Debian) and the
// call fails. A page reading 70 guests (two XML texts each, asked for at once) failed that way as a whole.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CALLS_IN_FLIGHT, libvirtCall, libvirtOwnerWatch, libvirtReset } from "../../src/libvirt/dbus";

const BUS_LIMIT = 128;

type Listener = (ev: Event, ...args: unknown[]) => void;

/** a bus client answering each call after a tick, refusing calls beyond the bus's limit */
function fakeClient() {
    const listeners = new Map<string, Listener[]>();
    const c = {
        pending: 0, most: 0, refused: 0,
        call(_path: string, _iface: string, method: string) {
            if (c.pending >= BUS_LIMIT) {
                c.refused++;
                return Promise.reject(Object.assign(new Error("The maximum number of pending replies per connection has been reached"),
                                                    { name: "org.freedesktop.DBus.Error.LimitsExceeded" }));
            }
            c.pending++;
            c.most = Math.max(c.most, c.pending);
            return new Promise(resolve => setTimeout(() => { c.pending--; resolve([method]) }, 1));
        },
        addEventListener(type: string, l: Listener) { listeners.set(type, [...listeners.get(type) ?? [], l]) },
        removeEventListener(type: string, l: Listener) { listeners.set(type, (listeners.get(type) ?? []).filter(x => x !== l)) },
        emit(type: string, ...args: unknown[]) { for (const l of listeners.get(type) ?? []) l(new Event(type), ...args) },
        close() { /* */ },
    };
    return c;
}

let client: ReturnType<typeof fakeClient>;
beforeEach(() => {
    libvirtReset();
    client = fakeClient();
    (globalThis as unknown as { cockpit: unknown }).cockpit = { dbus: () => client };
});
afterEach(() => libvirtReset());

describe("libvirtCall", () => {
    it(`keeps at most ${CALLS_IN_FLIGHT} calls in flight, so that 200 at once all succeed, in order`, async () => {
        const replies = await Promise.all(Array.from({ length: 200 }, (_, i) => libvirtCall("system", "/org/libvirt/QEMU", "org.libvirt.Connect", `M${i}`, [])));
        expect(replies.map(r => r[0])).toEqual(Array.from({ length: 200 }, (_, i) => `M${i}`));
        expect(client.refused).toBe(0);
        expect(client.most).toBe(CALLS_IN_FLIGHT);
        expect(CALLS_IN_FLIGHT).toBeLessThan(BUS_LIMIT);
    });

    it("frees a failed call's place for the next one", async () => {
        const failing = { ...client, call: () => Promise.reject(Object.assign(new Error("Domain not found"), { name: "org.libvirt.Error" })) };
        (globalThis as unknown as { cockpit: unknown }).cockpit = { dbus: () => failing };
        libvirtReset();
        const results = await Promise.allSettled(Array.from({ length: CALLS_IN_FLIGHT * 2 }, () => libvirtCall("system", "/p", "org.libvirt.Domain", "GetXMLDesc", [0])));
        expect(results.every(r => r.status === "rejected" && (r.reason as { kind: string }).kind === "vanished")).toBe(true);
        (globalThis as unknown as { cockpit: unknown }).cockpit = { dbus: () => client };
        libvirtReset();
        expect(await libvirtCall("system", "/p", "org.libvirt.Connect", "ListDomains", [0])).toEqual(["ListDomains"]);
    });
});

describe("libvirtOwnerWatch", () => {
    it("is not told of the first report of who owns org.libvirt, only of a change after it", async () => {
        await libvirtCall("system", "/org/libvirt/QEMU", "org.libvirt.Connect", "ListDomains", [0]); // the client exists
        const told: (string | null)[] = [];
        const stop = libvirtOwnerWatch("system", owner => told.push(owner));
        client.emit("owner", ":1.7");   // the first report, after the first call
        expect(told).toEqual([]);
        client.emit("owner", ":1.7");   // the same owner again
        client.emit("owner", null);     // libvirt-dbus left the bus
        client.emit("owner", ":1.9");   // and came back
        expect(told).toEqual([null, ":1.9"]);
        stop();
        client.emit("owner", null);
        expect(told).toEqual([null, ":1.9"]);
    });

    it("a watch started after the first report takes it as known", () => {
        client.emit("owner", ":1.7"); // no client yet: nothing listens
        const stop = libvirtOwnerWatch("system", () => { throw new Error("not a change") });
        client.emit("owner", ":1.7"); // reported to the client's own listener first, then to the watch: not a change
        stop();
        const told: (string | null)[] = [];
        const again = libvirtOwnerWatch("system", owner => told.push(owner));
        client.emit("owner", ":1.8");
        expect(told).toEqual([":1.8"]);
        again();
    });
});
