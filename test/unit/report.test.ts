// "Download report": the JSON built from the article's host (capabilities/article-4node.xml) with rhel64 running
// (domains/rhel64-live.xml and rhel64-inactive.xml, its threads from snapshots/legacy-vhost-kthread.txt), the guest
// of domains/io-devices-live.xml with its NICs resolved through snapshots/devices-article-host.txt, and a shut-off
// guest with a hostile name; validated against the committed schema (doc/report.schema.json). And the CSV cells.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import { ioPaths } from "../../src/model/iopath";
import { placementCompute } from "../../src/model/placement";
import { csvCell, csvLine, reportBuild, type ReportGuestInput } from "../../src/model/report";
import { guestThreads } from "../../src/model/threads";
import { guestOf, hostOf, snapshotOf } from "./fixtures";

const schema = JSON.parse(readFileSync("doc/report.schema.json", "utf8"));
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
const host = hostOf("article-4node");
const HOSTILE = "=HYPERLINK(\"http://x\")\t<b>'; rm -rf /\n";

function guest(name: string, state: string, live: string, saved: string | null, extra: Partial<ReportGuestInput> = {}): ReportGuestInput {
    const config = { ...guestOf(live), name };
    const savedConfig = saved ? { ...guestOf(saved), name } : null;
    const threads = state === "running" ? guestThreads(snapshotOf("legacy-vhost-kthread"), "rhel64") : null;
    const io = ioPaths(config.io, snapshotOf("devices-article-host").devices);
    const placement = placementCompute({
        host, state: state as "running", persistent: true, config, saved: savedConfig, threads, policy: { kind: "node" }, io,
        memory: state === "running" ? new Map([[0, 200 * 1024], [3, 56 * 1024]]) : null,
    });
    return { name, uuid: config.uuid, connection: "system", state, persistent: true, config, saved: savedConfig, placement, threads, io, ...extra };
}

const guests = [
    guest("rhel64", "running", "rhel64-live", "rhel64-inactive"),
    guest("web", "shutoff", "io-devices-live", "io-devices-live"),
    guest(HOSTILE, "shutoff", "rhel64-inactive", "rhel64-inactive"),
];
const report = reportBuild({
    tool: { name: "cockpit-numa-placement", version: "0.1.0" }, generated: "2026-11-30T12:00:00.000Z", policy: "node",
    host, memoryFree: new Map([[0, 800 * 1024]]), guests,
    verdictText: k => `verdict ${k}`, findingText: f => `finding ${f.kind}`,
});

describe("the report", () => {
    it("validates against the committed schema, through JSON and back", () => {
        const json = JSON.parse(JSON.stringify(report));
        expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    });

    it("holds the host's nodes and caches as the capabilities give them", () => {
        expect(report.host.nodes.map(n => [n.id, n.cpus])).toEqual([[0, "0,2,4,6,8,10"], [1, "12,14,16,18,20,22"], [2, "13,15,17,19,21,23"], [3, "1,3,5,7,9,11"]]);
        expect(report.host.nodes[0]!.freeKiB).toBe(800 * 1024);
        expect(report.host.nodes[1]!.freeKiB).toBeNull();
        expect(report.host.llcs?.length).toBe(host.llcs.length);
    });

    it("holds each guest's configured and actual placement, threads, memory and verdict with its reasons", () => {
        const rhel64 = report.guests[0]!;
        expect(rhel64.configured.live?.vcpupins).toEqual([{ id: 0, cpus: "1" }, { id: 1, cpus: "3" }]);
        expect(rhel64.configured.live?.emulatorpin).toBeNull();
        expect(rhel64.actual.vcpus).toMatchObject({ cpus: "1,3", nodes: [3] });
        expect(rhel64.threads?.find(t => t.role === "vcpu")).toMatchObject({ name: "CPU 0/KVM", cpus: "1" });
        expect(rhel64.memory).toEqual({ totalKiB: 256 * 1024, local: 56 / 256, byNode: [{ node: 0, kib: 200 * 1024 }, { node: 3, kib: 56 * 1024 }] });
        expect(rhel64.verdict).toEqual({ kind: guests[0]!.placement.verdict.kind, text: `verdict ${guests[0]!.placement.verdict.kind}` });
        expect(rhel64.findings.map(f => f.kind)).toEqual(guests[0]!.placement.findings.map(f => f.kind));
        expect(rhel64.findings.find(f => f.kind === "memory-elsewhere")).toMatchObject({ text: "finding memory-elsewhere", data: { nodes: [0] } });
        // a shut-off guest: no live config, no threads, no memory
        expect(report.guests[1]).toMatchObject({ configured: { live: null }, threads: null, memory: null });
        expect(report.guests[1]!.devices.nics.length).toBe(guests[1]!.io.nics.length);
    });

    it("keeps a hostile name as data", () => {
        expect(JSON.parse(JSON.stringify(report)).guests[2].name).toBe(HOSTILE);
    });

    it("is refused by the schema when a field is missing or of another version", () => {
        const json = JSON.parse(JSON.stringify(report));
        expect(validate({ ...json, version: 2 })).toBe(false);
        delete json.guests[0].verdict;
        expect(validate(json)).toBe(false);
    });
});

describe("CSV cells", () => {
    it("are quoted with quotes doubled, so that commas, quotes and line breaks stay inside the cell", () => {
        expect(csvCell('a,"b"\nc')).toBe('"a,""b""\nc"');
        expect(csvCell(null)).toBe('""');
        expect(csvCell(97)).toBe('"97"');
        expect(csvLine(["x", 1])).toBe('"x","1"\r\n');
    });

    it("never start with what a spreadsheet runs as a formula", () => {
        for (const s of ["=1+2", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]) expect(csvCell(s)).toBe(`"'${s}"`);
        expect(csvCell("1-3,5")).toBe('"1-3,5"');
        expect(csvCell("rhel64")).toBe('"rhel64"');
    });
});
