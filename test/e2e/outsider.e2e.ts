// Issue 13: limited access is enforced by libvirt, not only by greyed buttons. numa-lab-outsider (no libvirt or
// kvm group, no sudo; test/lab/outsider.sh) has a Cockpit on :9093. The page says libvirt refused this user;
// a change forced through the same path the page uses (the bridge's D-Bus channel to org.libvirt, with the
// page's superuser "try") is refused too, and virsh shows nothing changed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame } from "playwright-core";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen, shellOpen } from "../browser.mjs";
import { virsh } from "./host";
import type { Browser } from "./page";

const GUEST = "demo-emulator-elsewhere";
let b: Browser;
let f: Frame;
beforeAll(async () => {
    b = await browserOpen();
    f = await shellOpen(b.page, { base: "http://127.0.0.1:9093" });
});
afterAll(async () => { await b?.close() });

describe("a user libvirt does not let in", () => {
    it("is told libvirt refused them, with what to do", async () => {
        const problem = await f.waitForSelector("[data-state=error]", { timeout: 30000 });
        expect(await problem.getAttribute("data-error-kind")).toBe("denied");
        expect(await problem.textContent()).toContain("Not allowed to read virtual machines");
        expect(await f.getAttribute("[data-page-status]", "data-access")).toBe("limited");
        expect(await f.locator("tr[data-guest]").count()).toBe(0);
    });

    it("cannot pin a guest through the page's D-Bus path: refused, nothing changed", async () => {
        const saved = await virsh("dumpxml", "--inactive", GUEST);
        const live = await virsh("emulatorpin", GUEST, "--live");
        const path = "/org/libvirt/QEMU/domain/_" + (await virsh("domuuid", GUEST)).trim().replace(/-/g, "_");
        const error = await f.evaluate(async ({ path }) => {
            try {
                await cockpit.dbus("org.libvirt", { bus: "system", superuser: "try" })
                    .call(path, "org.libvirt.Domain", "PinEmulator", [[true, true], 3], { type: "abu", timeout: 10000 });
                return null;
            } catch (e) {
                return (e as { name?: string }).name ?? String(e);
            }
        }, { path });
        expect(error).toBe("org.freedesktop.DBus.Error.AccessDenied");
        expect(await virsh("dumpxml", "--inactive", GUEST)).toBe(saved);
        expect(await virsh("emulatorpin", GUEST, "--live")).toBe(live);
    });
});
