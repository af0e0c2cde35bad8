// Drives Debian's Chromium through playwright-core (never a downloaded browser), for e2e tests and screenshots.
import { chromium } from "playwright-core";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const COCKPIT = process.env.COCKPIT_URL ?? "http://127.0.0.1:9090";
export const PLUGIN_FRAME = "cockpit1:localhost/numa-placement";

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** A fresh browser with its own profile; close() removes the profile. */
export async function browserOpen({ locale = "en-US" } = {}) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "numa-placement-chromium-"));
    const context = await chromium.launchPersistentContext(dir, {
        executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
        args: ARGS, headless: true, locale, viewport: { width: 1400, height: 900 },
    });
    const page = context.pages()[0] ?? await context.newPage();
    const errors = [];
    page.on("pageerror", e => errors.push(String(e)));
    return {
        context, page, errors,
        async close() {
            await context.close();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

/** Opens the page inside the full Cockpit shell and returns the plugin's frame once the page has loaded. */
export async function shellOpen(page, { timeout = 30000 } = {}) {
    await page.goto(`${COCKPIT}/numa-placement`, { timeout });
    const frameEl = await page.waitForSelector(`iframe[name="${PLUGIN_FRAME}"]`, { timeout, state: "attached" });
    const frame = await frameEl.contentFrame();
    await frame.waitForSelector("[data-page-status]:not([data-page-status='loading'])", { timeout });
    return frame;
}
