// Issue 2: the full Cockpit shell shows the plugin listing every guest with its right state, and says when
// libvirt-dbus is not there, recovering when it is back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import { readFile } from "node:fs/promises";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen, shellOpen } from "../browser.mjs";
import { busOwnerPid, busctl, guestStates, waitFor } from "./host";
import type { Frame } from "playwright-core";

type Browser = { page: import("playwright-core").Page; errors: string[]; close(): Promise<void> };

const STATE_OF_VIRSH: Record<string, string> = { "running": "running", "shut off": "shutoff", "paused": "paused", "idle": "running" };

async function tableRows(frame: Frame): Promise<Map<string, string>> {
    const rows = await frame.$$eval("[data-testid=guests] tr[data-guest]", trs =>
        trs.map(tr => [tr.getAttribute("data-guest") ?? "", tr.getAttribute("data-state") ?? ""]));
    return new Map(rows as [string, string][]);
}

describe("the page in the Cockpit shell", () => {
    let b: Browser;
    beforeAll(async () => { b = await browserOpen() });
    afterAll(async () => { await b?.close() });

    it("appears in the shell's menu and lists every guest of qemu:///system with its state", async () => {
        const frame = await shellOpen(b.page);
        await frame.waitForSelector("[data-page-status=ready]");
        expect(await b.page.locator("nav a", { hasText: "NUMA placement" }).count()).toBeGreaterThan(0);

        const truth = await guestStates();
        for (const demo of ["demo-aligned", "demo-emulator-unpinned", "demo-emulator-elsewhere", "demo-vcpus-unpinned",
            "demo-saved-pins", "demo-transient", "demo-iothread"])
            expect(truth.has(demo), `lab guest ${demo}`).toBe(true);

        const shown = await tableRows(frame);
        expect([...shown.keys()].sort()).toEqual([...truth.keys()].sort());
        for (const [name, state] of truth)
            expect(shown.get(name), name).toBe(STATE_OF_VIRSH[state] ?? "other");
        expect(b.errors).toEqual([]);
    });

    it("shows the vCPU count from libvirt", async () => {
        const frame = await shellOpen(b.page);
        const cell = frame.locator("tr[data-guest='demo-aligned'] td[data-vcpus]");
        expect(await cell.getAttribute("data-vcpus")).toBe("2");
        const cell1 = frame.locator("tr[data-guest='demo-iothread'] td[data-vcpus]");
        expect(await cell1.getAttribute("data-vcpus")).toBe("1");
    });
});

describe("libvirt-dbus not available", () => {
    // libvirt-dbus is bus-activated: stopping it alone just gets it started again on the next call. To see the
    // page without it, the test also moves its activation file aside, as if the package were not installed.
    const SERVICE = "/usr/share/dbus-1/system-services/org.libvirt.service";
    const HIDDEN = "/run/numa-placement-lab/org.libvirt.service.hidden-by-test";
    let b: Browser;

    const reloadBus = () => busctl("call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", "ReloadConfig");
    const restore = async () => {
        if (fs.existsSync(HIDDEN)) {
            fs.renameSync(HIDDEN, SERVICE);
            await reloadBus();
        }
    };

    beforeAll(async () => { b = await browserOpen() });
    afterAll(async () => {
        await restore();
        await b?.close();
    });

    it("says libvirt-dbus is not running and what to do, then recovers by itself when it is back", async () => {
        const frame = await shellOpen(b.page);
        await frame.waitForSelector("[data-page-status=ready]");

        fs.renameSync(SERVICE, HIDDEN);
        await reloadBus();
        const pid = await busOwnerPid("org.libvirt");
        expect(pid).not.toBeNull();
        expect((await readFile(`/proc/${pid}/comm`, "utf8")).trim()).toBe("libvirt-dbus");
        process.kill(pid!, "SIGTERM");

        const problem = await frame.waitForSelector("[data-state=error]", { timeout: 30000 });
        expect(await problem.getAttribute("data-error-kind")).toBe("no-libvirt-dbus");
        expect(await problem.textContent()).toContain("libvirt-dbus is not running");
        expect(await problem.textContent()).toContain("Install the libvirt-dbus package");

        await restore();
        await frame.waitForSelector("[data-testid=guests] tr[data-guest]", { timeout: 30000 });
        expect(await busOwnerPid("org.libvirt")).not.toBeNull();
        await waitFor("the page to be ready", async () => (await frame.getAttribute("[data-page-status]", "data-page-status")) === "ready");
    });
});
