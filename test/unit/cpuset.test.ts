import { describe, expect, it } from "vitest";
import { CpusetError, cpumapFromSet, cpumapToSet, cpusetFormat, cpusetParse } from "../../src/model/cpuset";

describe("cpusetParse", () => {
    it.each([
        ["0-3,8", [0, 1, 2, 3, 8]],
        ["0-7,^3", [0, 1, 2, 4, 5, 6, 7]],
        // libvirt applies "^" in order: removing 3 before anything was added removes nothing
        ["^3,0-7", [0, 1, 2, 3, 4, 5, 6, 7]],
        ["0-7,^3,3", [0, 1, 2, 3, 4, 5, 6, 7]],
        // and stops at the end of the text after a comma
        ["0-3,", [0, 1, 2, 3]],
        ["0-3 , ", [0, 1, 2, 3]],
        [" 1 , 3 ,5", [1, 3, 5]],
        ["8,0-2,1", [0, 1, 2, 8]],
        ["1,3,5,7,9,11", [1, 3, 5, 7, 9, 11]],
        ["5", [5]],
    ])("parses %j", (text, want) => {
        expect(cpusetParse(text)).toEqual(want);
    });

    it.each([
        ["3-1", "reversed-range", "3-1"],
        ["a", "not-a-number", "a"],
        ["", "empty-input", undefined],
        ["   ", "empty-input", undefined],
        ["1,,2", "empty-term", "1,,2"],
        ["-1", "not-a-number", "-1"],
        ["1-", "not-a-number", "1-"],
        ["0-3,^x", "not-a-number", "^x"],
        ["0,^0", "selects-nothing", "0,^0"],
        ["1.5", "not-a-number", "1.5"],
        ["^ 3,4", "not-a-number", "^ 3"],
        ["^1-3", "not-a-number", "^1-3"],
        [",", "empty-term", ","],
        ["0-3,,", "empty-term", "0-3,,"],
        ["0-8192", "too-large", "0-8192"],
    ])("refuses %j, quoting the bad part", (text, kind, part) => {
        let err: unknown;
        try { cpusetParse(text) } catch (e) { err = e }
        expect(err).toBeInstanceOf(CpusetError);
        const p = (err as CpusetError).problem;
        expect(p.kind).toBe(kind);
        if (part !== undefined) {
            expect(p).toHaveProperty("part", part);
            expect((err as Error).message).toContain(`"${part}"`);
        }
    });

    it("bounds a list whose host is not known: twenty huge ranges are refused at once, not expanded", () => {
        expect(() => cpusetParse(Array(20).fill("0-999999").join(","))).toThrow(/beyond the largest CPU id accepted \(8191\)/);
        expect(cpusetParse("0-8191")).toHaveLength(8192);
    });

    it("refuses a CPU beyond the host's count, naming it", () => {
        expect(() => cpusetParse("0-3,24", 24)).toThrow(/CPU 24 does not exist on this host \(CPUs 0-23\)/);
        expect(() => cpusetParse("20-30", 24)).toThrow(/"20-30"/);
        expect(cpusetParse("0-23", 24)).toHaveLength(24);
    });
});

describe("cpusetFormat", () => {
    it("keeps lists as lists and runs as ranges, like libvirt", () => {
        expect(cpusetFormat([1, 3, 5, 7, 9, 11])).toBe("1,3,5,7,9,11");
        expect(cpusetFormat([0, 1, 2, 3, 4, 5, 6, 7])).toBe("0-7");
        expect(cpusetFormat([0, 1, 2, 4, 5, 6, 7])).toBe("0-2,4-7");
        expect(cpusetFormat([3, 0, 1, 1])).toBe("0-1,3");
        expect(cpusetFormat([])).toBe("");
    });

    it("round-trips through parse", () => {
        for (const s of ["0-3,8-11", "1,3,5,7,9,11", "12,14,16,18,20,22", "0", "0-255"])
            expect(cpusetFormat(cpusetParse(s))).toBe(s);
    });
});

describe("cpumaps", () => {
    it("converts to and from libvirt-dbus boolean maps of the host's length", () => {
        expect(cpumapFromSet([1, 3], 4)).toEqual([false, true, false, true]);
        expect(cpumapToSet([false, true, false, true])).toEqual([1, 3]);
        expect(cpumapToSet(cpumapFromSet([0, 5, 23], 24))).toEqual([0, 5, 23]);
    });

    it("refuses a CPU outside the map", () => {
        expect(() => cpumapFromSet([4], 4)).toThrow(CpusetError);
    });
});
