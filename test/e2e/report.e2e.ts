// "Download report" on the local lab: the JSON validates against the committed schema and agrees with the system
// (virsh for guests, states and pins, lscpu for the nodes) and with the page's verdicts; the CSV has one row per
// guest shown, and guests named like spreadsheet formulas stay text in it (and exact in the JSON).
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame } from "playwright-core";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen } from "../browser.mjs";
import { guestMake, guestRemove } from "./guests";
import { guestStates, virsh } from "./host";
import { pageOpen, type Browser } from "./page";
import { csvParse, downloadText, pageVerdicts, reportValidate } from "./report";

const FORMULAS = ["=1+2", "@SUM(1)", "-2+3"];
let b: Browser;
let f: Frame;

beforeAll(async () => {
    for (const name of FORMULAS) await guestMake({ name, vcpus: [1] }, "shutoff");
    b = await browserOpen();
    f = await pageOpen(b);
    for (const name of FORMULAS) await f.waitForSelector(`tr[data-guest="${name}"][data-verdict]`);
});
afterAll(async () => {
    await b?.close();
    for (const name of FORMULAS) await guestRemove(name);
});

describe("Download report", () => {
    it("gives the whole picture as JSON that validates against the schema and agrees with virsh, lscpu and the page", async () => {
        const { name, text } = await downloadText(b.page, f, "download-json");
        expect(name).toMatch(/^numa-placement-report-\d{4}-\d\d-\d\dT\d{4}\.json$/);
        const report = JSON.parse(text);
        expect(reportValidate(report), JSON.stringify(reportValidate.errors)).toBe(true);
        expect(report.version).toBe(1);

        // the host's nodes as lscpu has them
        const lscpu = execFileSync("lscpu", ["-p=CPU,NODE"], { encoding: "utf8" }).split("\n").filter(l => /^\d/.test(l)).map(l => l.split(",").map(Number));
        expect(report.host.nodes.map((n: { id: number }) => n.id)).toEqual([...new Set(lscpu.map(([, node]) => node))].sort());
        // every qemu:///system guest with its state, as virsh lists them
        const states = await guestStates();
        const system = report.guests.filter((g: { connection: string }) => g.connection === "system");
        expect(new Set(system.map((g: { name: string }) => g.name))).toEqual(new Set(states.keys()));
        for (const g of system) {
            expect(g.state === "running", g.name).toBe(states.get(g.name) === "running");
            // the vCPU pins of a persistent guest's saved config, as virsh vcpupin --config prints them
            expect(g.persistent, g.name).toBe(!(await virsh("dominfo", g.name)).match(/^Persistent:\s+no$/m));
            if (!g.persistent) continue;
            const pins = (await virsh("vcpupin", g.name, "--config")).trim().split("\n").map(l => l.trim().split(/\s+/)).map(([v, cpus]) => ({ id: Number(v!.replace(":", "")), cpus }));
            if (g.configured.saved?.vcpupins.length) expect(g.configured.saved.vcpupins, g.name).toEqual(pins);
        }
        // the verdicts the page shows
        const verdicts = await pageVerdicts(f);
        for (const g of report.guests) expect(g.verdict.kind, g.name).toBe(verdicts.get(g.name));
        // names are data
        for (const n of FORMULAS) expect(system.map((g: { name: string }) => g.name)).toContain(n);
    });

    it("gives the guests table as CSV: a row per guest shown, formulas neutralised, filters applied", async () => {
        const { name, text } = await downloadText(b.page, f, "download-csv");
        expect(name).toMatch(/^numa-placement-guests-.*\.csv$/);
        const rows = csvParse(text);
        expect(rows[0]).toEqual(["Name", "Connection", "State", "vCPUs", "vCPU CPUs", "vCPU nodes", "Emulator CPUs", "Emulator nodes",
            "Memory local (%)", "Memory per node", "Verdict", "Findings"]);
        const shown = await pageVerdicts(f);
        expect(rows.length - 1).toBe(shown.size);
        for (const n of FORMULAS) expect(rows.map(r => r[0])).toContain(`'${n}`);
        expect(rows.slice(1).every(r => r.length === 12 && !/^[=+\-@]/.test(r[0]!))).toBe(true);

        // with a name filter: only the guests the table shows
        await f.fill("[data-testid=name-filter] input", "SUM");
        await f.waitForFunction(() => document.querySelectorAll("[data-testid=guests] tr[data-guest]").length === 1);
        const filtered = csvParse((await downloadText(b.page, f, "download-csv")).text);
        expect(filtered.map(r => r[0])).toEqual(["Name", "'@SUM(1)"]);
        await f.fill("[data-testid=name-filter] input", "");
    });
});
