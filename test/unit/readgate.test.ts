// The page's read gate (src/model/readgate.ts): one read at a time, a refresh asked for meanwhile run after it, the
// periodic tick paced so that slow reads keep the host busy at most a quarter of the time, and a read that never
// ends given up (one way the page could show no threads for good, as it once did in the Debian 12 NUMA lab).
import { describe, expect, it } from "vitest";
import { ReadGate } from "../../src/model/readgate";

describe("ReadGate", () => {
    it("runs one read at a time and runs a refresh asked for meanwhile right after it, once", () => {
        const g = new ReadGate(135000);
        const a = g.start(0);
        expect(a).toEqual({ id: 1, gaveUp: false });
        expect(g.start(3000)).toBeNull();
        expect(g.start(6000)).toBeNull();
        expect(g.end(a!.id, 6500)).toEqual({ current: true, again: true });
        const b = g.start(7000);
        expect(b).toEqual({ id: 2, gaveUp: false });
        expect(g.end(b!.id, 7100)).toEqual({ current: true, again: false });
    });

    it("gives up a read still running after its time: the next read starts, the old one's late result is ignored", () => {
        const g = new ReadGate(135000);
        const stuck = g.start(0)!;
        expect(g.start(134999)).toBeNull();
        const next = g.start(135000);
        expect(next).not.toBeNull();
        expect(next!.id).not.toBe(stuck.id);
        expect(next!.gaveUp).toBe(true);
        // the stuck read's answer after all: not taken, and it does not end the read that runs now
        expect(g.end(stuck.id, 135500)).toEqual({ current: false, again: false });
        expect(g.start(136000)).toBeNull();
        expect(g.end(next!.id, 137000)).toEqual({ current: true, again: true });
    });

    it("paces the periodic tick: after a read of 10 s no tick starts one for 30 s, and a tick during a read is not queued", () => {
        const g = new ReadGate(135000);
        const a = g.start(0, true)!;
        // the 3-second ticks while it runs: dropped, not queued
        for (const t of [3000, 6000, 9000]) expect(g.start(t, true)).toBeNull();
        expect(g.end(a.id, 10000)).toEqual({ current: true, again: false });
        expect(g.start(12000, true)).toBeNull();
        expect(g.start(39999, true)).toBeNull();
        const b = g.start(40000, true);
        expect(b).toEqual({ id: 2, gaveUp: false });
        // a fast read (100 ms): the next tick 3 s later reads again
        expect(g.end(b!.id, 40100).current).toBe(true);
        expect(g.start(43100, true)).not.toBeNull();
    });

    it("never makes a refresh asked for (a change, a libvirt event) wait for the rest", () => {
        const g = new ReadGate(135000);
        const a = g.start(0, true)!;
        g.end(a.id, 10000);
        expect(g.start(10001, false)).toEqual({ id: 2, gaveUp: false });
    });
});
