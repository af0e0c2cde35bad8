// Issue 12, part 4: the guests table at ordinary window sizes. At 1280 pixels (the shell's menu takes 240 of them)
// the table fits its frame under every policy, with every Align button inside the viewport; on a narrow screen
// it is PatternFly's stacked layout, with every action still reachable.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen, shellOpen } from "../browser.mjs";
import type { Frame } from "playwright-core";
import type { Browser } from "./page";

let b: Browser;
beforeAll(async () => { b = await browserOpen() });
afterAll(async () => { await b?.close() });

async function open(width: number, policy: string): Promise<Frame> {
    await b.page.setViewportSize({ width, height: 900 });
    const f: Frame = await shellOpen(b.page, { hash: `#/?policy=${policy}` });
    await f.waitForSelector("[data-page-status=ready] [data-testid=guests] tr[data-guest]");
    // the verdicts depend on the threads: wait for the first read
    await f.waitForFunction(() => Number(document.querySelector("[data-refreshes]")?.getAttribute("data-refreshes")) > 0);
    return f;
}

const geometry = (f: Frame) => f.evaluate(() => ({
    viewport: document.documentElement.clientWidth,
    table: document.querySelector("[data-testid=guests]")!.getBoundingClientRect().right,
    buttons: [...document.querySelectorAll("[data-testid=align]")].map(e => e.getBoundingClientRect().right),
}));

describe("the guests table at 1280 pixels", () => {
    it.each(["node", "llc", "vcpus", "housekeeping"])("fits under the %s policy, every Align button in view", async policy => {
        const f = await open(1280, policy);
        const g = await geometry(f);
        expect(g.buttons.length).toBeGreaterThan(0);
        expect(g.table).toBeLessThanOrEqual(g.viewport);
        expect(Math.max(...g.buttons)).toBeLessThanOrEqual(g.viewport);
    });
});

describe("on a narrow screen", () => {
    it("stacks each guest's cells under their labels, Align still in view and pressable", async () => {
        const f = await open(700, "vcpus");
        const g = await geometry(f);
        expect(await f.getAttribute("[data-testid=guests]", "class")).toMatch(/pf-m-grid/);
        expect(Math.max(...g.buttons)).toBeLessThanOrEqual(g.viewport);
        const button = f.locator("tr[data-guest=demo-emulator-unpinned] [data-testid=align]");
        await button.scrollIntoViewIfNeeded();
        await button.click();
        await f.waitForSelector("[data-testid=align-dialog]");
        await f.click("[data-testid=align-close]");
    });
});
