// Issue 8's fault suite on the real lab: libvirtd going away and coming back, a guest undefined under an open
// dialog, two pages aligning one guest at once, and 100 refreshes without leaking channels or processes.
// (libvirt-dbus stopped and started is in guests-list.e2e.ts.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import fs from "node:fs";
import { promisify } from "node:util";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen } from "../browser.mjs";
import { guestMake, guestRemove, savedEmulatorpin } from "./guests";
import { virsh, waitFor } from "./host";
import { alignDialogOpen, emulatorCpus, pageOpen, type Browser } from "./page";

const run = promisify(execFile);
let b: Browser;
const TWICE = "np-e2e-twice", GONE = "np-e2e-gone";


const open = pageOpen;

const alignDialog = alignDialogOpen;

/** the cockpit-bridge serving the pages: its open file descriptors and child processes */
function bridgeUsage(): { fds: number; children: number } {
    const pids = fs.readdirSync("/proc").filter(p => /^\d+$/.test(p)).filter(p => {
        try { return fs.readFileSync(`/proc/${p}/comm`, "utf8").trim() === "cockpit-bridge" } catch { return false }
    });
    expect(pids.length).toBeGreaterThan(0);
    let fds = 0, children = 0;
    for (const p of pids) {
        fds += fs.readdirSync(`/proc/${p}/fd`).length;
        for (const t of fs.readdirSync(`/proc/${p}/task`))
            children += fs.readFileSync(`/proc/${p}/task/${t}/children`, "utf8").trim().split(/\s+/).filter(Boolean).length;
    }
    return { fds, children };
}

beforeAll(async () => { b = await browserOpen() });
afterAll(async () => {
    await b?.close();
    await guestRemove(TWICE);
    await guestRemove(GONE);
});

describe("faults", () => {
    it("libvirtd going away: the page says so, and recovers by itself when it is back", async () => {
        // restart.sh stops only a libvirtd the lab started (exit 3 otherwise): this suite needs the lab's own
        const stop = await run("bash", ["test/lab/restart.sh", "libvirtd", "stop"]).catch(e => e);
        expect((stop as { code?: number }).code, "restart.sh stopped the lab's libvirtd").toBeUndefined();
        try {
            const f = await open(b).catch(async () => {
                // the page may already show the error when opened after the stop
                return (await b.page.frames()).find(x => x.name() === "cockpit1:localhost/numa-placement")!;
            });
            const problem = await f.waitForSelector("[data-state=error]", { timeout: 30000 });
            expect(await problem.getAttribute("data-error-kind")).toBe("no-libvirtd");
            expect(await problem.textContent()).toContain("libvirtd is not running");
            await run("bash", ["test/lab/restart.sh", "libvirtd", "start"]);
            await f.waitForSelector("[data-page-status=ready] [data-testid=guests] tr[data-guest=demo-aligned]", { timeout: 60000 });
        } finally {
            await run("bash", ["test/lab/restart.sh", "libvirtd", "start"]).catch(() => null);
        }
    });

    it("recovers when libvirtd restarts while the page is open", async () => {
        const f = await open(b);
        const r = await run("bash", ["test/lab/restart.sh", "libvirtd", "restart"]).catch(e => e);
        expect((r as { code?: number }).code, "restart.sh restarted the lab's libvirtd").toBeUndefined();
        await f.waitForSelector("[data-page-status=ready] [data-testid=guests] tr[data-guest=demo-aligned]", { timeout: 60000 });
        // and it still follows changes made afterwards: a guest started, and a live pin (from libvirt's signal; where
        // libvirt-dbus lost it across the restart, from the threads seen moving or the read every 30 s)
        await virsh("start", "demo-saved-pins");
        try {
            await f.waitForSelector("tr[data-guest=demo-saved-pins][data-state=running]", { timeout: 20000 });
        } finally {
            await virsh("destroy", "demo-saved-pins");
        }
        const emulatorCell = "tr[data-guest=demo-emulator-elsewhere] td[data-label='Emulator CPUs']";
        expect(await f.textContent(emulatorCell)).toMatch(/^0(?!\d)/); // "0", then "node 0"
        await virsh("emulatorpin", "demo-emulator-elsewhere", "1", "--live");
        try {
            expect(await virsh("emulatorpin", "demo-emulator-elsewhere", "--live")).toMatch(/^\s*(\*:\s+)?1\s*$/m);
            await f.waitForFunction(c => /^1(?!\d)/.test(document.querySelector(c)?.textContent ?? ""), emulatorCell, { timeout: 20000 });
        } finally {
            await virsh("emulatorpin", "demo-emulator-elsewhere", "0", "--live");
        }
    });

    it("a guest undefined while its align dialog is open: a clear error, nothing changed", async () => {
        await guestMake({ name: GONE, vcpus: [1], emulator: "0" }, "shutoff");
        const f = await open(b);
        await alignDialog(f, GONE);
        const others = await virsh("list", "--all", "--name");
        await virsh("undefine", GONE);
        await f.click("[data-testid=align-apply]");
        const error = await f.waitForSelector("[data-testid=plan-error]", { timeout: 30000 });
        expect(await error.textContent()).toContain("Nothing changed");
        expect(await error.textContent()).toContain("the guest no longer exists");
        expect(await f.locator("[data-testid=plan-results]").count()).toBe(0);
        expect(await f.isDisabled("[data-testid=align-apply]")).toBe(true);
        expect(await f.locator("[data-testid=align-retry]").count()).toBe(0);
        expect((await virsh("list", "--all", "--name")).split("\n").filter(n => n !== GONE))
            .toEqual(others.split("\n").filter(n => n !== GONE));
        await f.click("[data-testid=align-close]");
    });

    it("two pages aligning the same guest at once: one applies, the other applies the same or refuses, never half", async () => {
        await guestMake({ name: TWICE, vcpus: [1], emulator: "0" }, "running");
        const other: Browser = await browserOpen();
        try {
            const [f1, f2] = [await open(b), await open(other)];
            await alignDialog(f1, TWICE);
            await alignDialog(f2, TWICE);
            await Promise.all([f1.click("[data-testid=align-apply]"), f2.click("[data-testid=align-apply]")]);
            // each page either applied and verified, or found the guest changed by the other one and wrote nothing
            let verified = 0;
            for (const f of [f1, f2]) {
                await f.waitForSelector("[data-testid=plan-verify], [data-testid=plan-partial], [data-testid=plan-conflicts]", { timeout: 30000 });
                expect(await f.locator("[data-testid=plan-partial]").count()).toBe(0);
                if (await f.locator("[data-testid=plan-verify]").count()) {
                    expect(await f.textContent("[data-testid=plan-verify]")).toContain("now run on CPUs 1");
                    verified++;
                } else {
                    expect(await f.textContent("[data-testid=plan-conflicts]")).toContain("nothing was written");
                }
            }
            expect(verified).toBeGreaterThanOrEqual(1);
            expect(emulatorCpus(TWICE)).toEqual(["1"]);
            expect(await savedEmulatorpin(TWICE)).toBe("1");
        } finally {
            await other.close();
        }
    });

    it("100 refreshes in a row leak no channel and no process", async () => {
        const f = await open(b);
        const refreshes = async () => Number(await f.getAttribute("[data-page-status]", "data-refreshes"));
        await waitFor("a first thread read", async () => await refreshes() > 0);
        const before = bridgeUsage();
        for (let i = 0; i < 100; i++) {
            const n = await refreshes();
            await f.click("[data-testid=refresh]");
            await waitFor("the refresh", async () => await refreshes() > n, 10000);
        }
        await new Promise(r => setTimeout(r, 2000));
        const after = bridgeUsage();
        expect(after.children).toBeLessThanOrEqual(before.children + 1);
        expect(after.fds).toBeLessThanOrEqual(before.fds + 3);
    });
});
