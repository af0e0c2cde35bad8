// The page's read gate (src/model/readgate.ts): one read at a time, a refresh asked for meanwhile run after it, and
// a read that never ends given up (as the first read in the Debian 12 NUMA lab did, during the login's sudo set-up).
import { describe, expect, it } from "vitest";
import { ReadGate } from "../../src/model/readgate";

describe("ReadGate", () => {
    it("runs one read at a time and runs a refresh asked for meanwhile right after it, once", () => {
        const g = new ReadGate(135000);
        const a = g.start(0);
        expect(a).not.toBeNull();
        expect(g.start(3000)).toBeNull();
        expect(g.start(6000)).toBeNull();
        expect(g.end(a!)).toEqual({ current: true, again: true });
        const b = g.start(7000);
        expect(b).not.toBeNull();
        expect(g.end(b!)).toEqual({ current: true, again: false });
        expect(g.abandoned).toBe(0);
    });

    it("gives up a read still running after its time: the next read starts, the old one's late result is ignored", () => {
        const g = new ReadGate(135000);
        const stuck = g.start(0)!;
        expect(g.start(134999)).toBeNull();
        const next = g.start(135000);
        expect(next).not.toBeNull();
        expect(next).not.toBe(stuck);
        expect(g.abandoned).toBe(1);
        // the stuck read's answer after all: not taken, and it does not end the read that runs now
        expect(g.end(stuck)).toEqual({ current: false, again: false });
        expect(g.start(136000)).toBeNull();
        expect(g.end(next!)).toEqual({ current: true, again: true });
    });
});
