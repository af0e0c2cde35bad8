// The nodes' allocation counters (src/model/numastat.ts) and their N records (src/model/threads.ts).
import { describe, expect, it } from "vitest";
import { counterRates, counterSample } from "../../src/model/numastat";
import { snapshotParse } from "../../src/model/threads";

const read = (uptime: number, ...nodes: string[]) =>
    snapshotParse(["numa-placement-snapshot\t1", `U\t${uptime}\t100`, ...nodes.map(n => `N\t${n.replace(/ /g, "\t")}`)].join("\n"));

describe("numastat counters", () => {
    it("parses N records; a malformed one is reported and left out", () => {
        const snap = read(10, "0 100 1 2 3", "1 x 0 0 0", "2 5 0 0");
        expect(snap.numastat).toEqual(new Map([[0, { hit: 100, miss: 1, foreign: 2, other: 3 }]]));
        expect(snap.problems).toEqual([{ kind: "malformed", line: 4, record: "numastat" }, { kind: "malformed", line: 5, record: "numastat" }]);
    });

    it("gives each node's pages per second between successive reads, oldest first, leaving out a clock that stood still", () => {
        const samples = [read(100, "0 1000 0 0 0", "1 50 0 0 0"), read(102, "0 1400 10 0 4", "1 50 0 10 0"),
            read(102, "0 1500 10 0 4", "1 50 0 10 0"), read(106, "0 1900 10 0 4", "1 90 0 10 0")].map(s => counterSample(s)!);
        const r = counterRates(samples);
        expect(r.seconds).toBe(6);
        expect(r.nodes.map(n => [n.node, n.rates])).toEqual([
            [0, { hit: [200, 100], miss: [5, 0], foreign: [0, 0], other: [2, 0] }],
            [1, { hit: [0, 10], miss: [0, 0], foreign: [5, 0], other: [0, 0] }],
        ]);
        expect(r.nodes[1]!.last).toEqual({ hit: 90, miss: 0, foreign: 10, other: 0 });
    });

    it("no rates from one read, none without counters or a clock", () => {
        expect(counterRates([counterSample(read(1, "0 1 0 0 0"))!]).nodes[0]!.rates.hit).toEqual([]);
        expect(counterSample(snapshotParse("numa-placement-snapshot\t1\nN\t0\t1\t0\t0\t0"))).toBeNull();
        expect(counterRates([])).toEqual({ seconds: 0, nodes: [] });
    });
});
