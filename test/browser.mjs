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
    // the page's counters (reads, spawns, D-Bus calls) as data attributes, which tests and the benchmark read
    await context.addInitScript(() => { try { localStorage.setItem("numa-placement-counters", "1") } catch { /* no storage */ } });
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

/**
 * Opens the page inside the full Cockpit shell, logging in on Cockpit's login page when it asks (the NUMA lab
 * has password login; the local lab none), and returns the plugin's frame once the page has loaded.
 */
export async function shellOpen(page, { timeout = 30000, base = COCKPIT, user = null, password = null, admin = false, hash = "" } = {}) {
    // a fresh load every time: going to the same URL with another hash would keep the old page's state
    await page.goto("about:blank");
    await page.goto(`${base}/numa-placement${hash}`, { timeout });
    const frameSel = `iframe[name="${PLUGIN_FRAME}"]`;
    const first = await page.waitForSelector(`${frameSel}, #login-user-input`, { timeout, state: "attached" });
    if (await first.getAttribute("id") === "login-user-input") {
        if (!user) throw new Error("Cockpit asks for a login and none was given");
        // a login refused says so on the login page: that message, not a wait for a frame that never comes (one
        // more try when it was a time-out: an emulated lab can be slow to start a session)
        for (let attempt = 1; ; attempt++) {
            await page.fill("#login-user-input", user);
            await page.fill("#login-password-input", password);
            await page.click("#login-button");
            const next = await page.waitForSelector(`${frameSel}, #login-error-message:not(:empty)`, { timeout, state: "attached" });
            if (await next.getAttribute("id") !== "login-error-message") break;
            const said = (await next.textContent())?.trim();
            if (attempt === 2 || !/timeout|timed out/i.test(said ?? "")) throw new Error(`Cockpit refused the login of ${user}: ${said}`);
            console.log(`login of ${user}: "${said}", trying again`);
            await page.evaluate(() => { document.getElementById("login-error-message").textContent = "" });
        }
    }
    const frameEl = await page.waitForSelector(frameSel, { timeout, state: "attached" });
    if (admin) await adminAccessOn(page, password, { timeout });
    const frame = await frameEl.contentFrame();
    await frame.waitForSelector("[data-page-status]:not([data-page-status='loading'])", { timeout });
    return frame;
}

/** Turns on Cockpit's administrative access from the shell's top bar (a sudo password prompt). */
export async function adminAccessOn(page, password, { timeout = 30000 } = {}) {
    const button = page.locator("button", { hasText: "Limited access" });
    await button.first().waitFor({ timeout }).catch(() => null);
    if (await button.count() === 0) return; // already administrative
    await button.first().click();
    const pw = page.locator(".pf-v6-c-modal-box input[type=password], [role=dialog] input[type=password]");
    await pw.first().waitFor({ timeout });
    await pw.first().fill(password);
    await page.locator("[role=dialog] button", { hasText: "Authenticate" }).first().click();
    await page.locator("button", { hasText: "Administrative access" }).first().waitFor({ timeout });
}
