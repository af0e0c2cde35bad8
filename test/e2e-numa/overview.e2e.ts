// Issue 4: the page on the article's 4-node host, through Cockpit's real login.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen, shellOpen } from "../browser.mjs";
import { ADMIN, BASE, VIEWER, labGuests, labNodes } from "./lab";
import type { Frame, Page } from "playwright-core";

type Browser = { page: Page; errors: string[]; close(): Promise<void> };
let b: Browser;
beforeEach(async () => { b = await browserOpen() });
afterEach(async () => { await b?.close() });

const open = (who: { user: string; password: string }, admin: boolean): Promise<Frame> =>
    shellOpen(b.page, { base: BASE, user: who.user, password: who.password, admin, timeout: 120000 });

describe("the NUMA lab", () => {
    it("shows the four nodes with the article's CPU lists, as lscpu inside the lab has them", async () => {
        const frame = await open(ADMIN, true);
        await frame.waitForSelector("[data-page-status=ready]");
        const truth = await labNodes();
        expect([...truth.values()]).toEqual(["0,2,4,6,8,10", "12,14,16,18,20,22", "13,15,17,19,21,23", "1,3,5,7,9,11"]);
        const shown = await frame.$$eval("[data-testid=host-map] [data-node]", els =>
            els.map(e => [Number(e.getAttribute("data-node")), e.getAttribute("data-cpus")]));
        // the page writes runs as ranges, as libvirt does: compare sets
        const expand = (s: string) => s.split(",").flatMap(p => {
            const [a, z] = p.split("-").map(Number);
            return z === undefined ? [a!] : Array.from({ length: z - a! + 1 }, (_, i) => a! + i);
        }).join(",");
        expect(new Map(shown.map(([n, c]) => [n as number, expand(c as string)]))).toEqual(truth);
    });

    it("lists every guest of the lab with its state, as admin with administrative access", async () => {
        const frame = await open(ADMIN, true);
        await frame.waitForSelector("[data-page-status=ready]");
        expect(await frame.getAttribute("[data-page-status]", "data-access")).toBe("admin");
        const truth = await labGuests();
        expect([...truth.keys()].sort()).toEqual(["aligned", "emu-elsewhere", "memory-away", "rhel64", "saved-pins", "wide"]);
        const shown = new Map(await frame.$$eval("[data-testid=guests] tr[data-guest]", trs =>
            trs.map(tr => [tr.getAttribute("data-guest"), tr.getAttribute("data-state")])));
        for (const [name, state] of truth)
            expect(shown.get(name), name).toBe(state === "shut off" ? "shutoff" : state);
    });

    it("shows the limited-access user the page read-only, guests included", async () => {
        const frame = await open(VIEWER, false);
        await frame.waitForSelector("[data-page-status=ready]");
        expect(await frame.getAttribute("[data-page-status]", "data-access")).toBe("limited");
        expect(await frame.textContent("[data-testid=limited-access]")).toContain("read-only");
        expect(await frame.locator("[data-testid=guests] tr[data-guest='rhel64']").count()).toBe(1);
    });
});
