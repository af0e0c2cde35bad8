// The page's read gate (src/model/readgate.ts): one read at a time, a refresh asked for meanwhile run after it, and
// a read that never ends given up (one way the page could show no threads for good, as it once did in the Debian 12
// NUMA lab).
import { describe, expect, it } from "vitest";
import { ReadGate } from "../../src/model/readgate";

describe("ReadGate", () => {
    it("runs one read at a time and runs a refresh asked for meanwhile right after it, once", () => {
        const g = new ReadGate(135000);
        const a = g.start(0);
        expect(a).toEqual({ id: 1, gaveUp: false });
        expect(g.start(3000)).toBeNull();
        expect(g.start(6000)).toBeNull();
        expect(g.end(a!.id)).toEqual({ current: true, again: true });
        const b = g.start(7000);
        expect(b).toEqual({ id: 2, gaveUp: false });
        expect(g.end(b!.id)).toEqual({ current: true, again: false });
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
        expect(g.end(stuck.id)).toEqual({ current: false, again: false });
        expect(g.start(136000)).toBeNull();
        expect(g.end(next!.id)).toEqual({ current: true, again: true });
    });
});
