// Issue 5 on the NUMA lab: rhel64's vhost worker is shown as /proc inside the lab has it; with libvirt's cpuset
// controller disabled, a live emulatorpin leaves it behind and the page shows it as drift.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen, shellOpen } from "../browser.mjs";
import { ADMIN, BASE, labSsh, labVhost } from "./lab";
import type { Frame, Page } from "playwright-core";

const run = promisify(execFile);
const cpusetMode = (mode: "on" | "off") => run("bash", ["test/numa-lab/cpuset-mode.sh", mode]);
type Browser = { page: Page; close(): Promise<void> };
let b: Browser;
let frame: Frame;

const vhostRow = (tid: number) => frame.locator(`tr[data-threads-of="rhel64"] tr[data-tid="${tid}"]`);

async function expandRhel64() {
    if (await frame.locator(`tr[data-threads-of="rhel64"] [data-testid=threads]`).count() === 0)
        await frame.click(`tr[data-guest="rhel64"] button[id^="threads"]`);
    await frame.waitForSelector(`tr[data-threads-of="rhel64"] [data-testid=threads] tr[data-tid]`, { timeout: 60000 });
}

beforeAll(async () => {
    b = await browserOpen();
    frame = await shellOpen(b.page, { base: BASE, user: ADMIN.user, password: ADMIN.password, admin: true, timeout: 180000 });
    await frame.waitForSelector("[data-page-status=ready]", { timeout: 120000 });
});
afterAll(async () => {
    await b?.close();
});

describe("vhost on the article's host", () => {
    it("shows rhel64's vhost-PID worker with its role and the CPUs /proc in the lab gives it", async () => {
        await expandRhel64();
        const vhost = await labVhost("rhel64");
        expect(vhost.comm).toBe(`vhost-${vhost.pid}`);
        const row = vhostRow(vhost.tid);
        await row.waitFor({ timeout: 30000 });
        expect(await row.getAttribute("data-role")).toBe("vhost");
        expect(await row.getAttribute("data-actual")).toBe(vhost.cpus);
        expect(await row.locator("td[data-label=Role]").textContent()).toContain("vhost worker");
    });

    it("with the cpuset controller disabled, a live emulatorpin leaves vhost behind: shown as drift", async () => {
        await cpusetMode("off");
        try {
            // a guest started without the cpuset controller; the page follows the restart by itself
            await labSsh("virsh -q destroy rhel64 >/dev/null; virsh -q start rhel64 >/dev/null");
            await labSsh("virsh -q emulatorpin rhel64 1,3,5,7,9,11 --live");
            const vhost = await labVhost("rhel64");
            expect(vhost.cpus).toBe("0-23"); // the kernel's own view: it did not follow
            await expandRhel64();
            const row = vhostRow(vhost.tid);
            await row.waitFor({ timeout: 60000 });
            await frame.waitForSelector(`tr[data-threads-of="rhel64"] tr[data-tid="${vhost.tid}"][data-drift="true"]`, { timeout: 60000 });
            expect(await frame.getAttribute(`tr[data-guest="rhel64"]`, "data-verdict")).toBe("drift");
            expect(await frame.textContent(`tr[data-threads-of="rhel64"] [data-testid=drift-explained]`)).toContain("did not follow");
        } finally {
            await cpusetMode("on");
            await labSsh("virsh -q destroy rhel64 >/dev/null; virsh -q start rhel64 >/dev/null");
        }
    });
});
