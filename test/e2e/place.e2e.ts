// Issue 14 on the local lab: "Place" for demo-vcpus-unpinned (1 vCPU, no pins), checked by the test from /proc and
// `virsh dumpxml --inactive` itself; Undo checked the same way; bad input refused with nothing written. The lab has
// 2 CPUs, both owned by other demo guests' vCPUs: placing here needs "Allow CPUs other guests' vCPUs are pinned to".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen } from "../browser.mjs";
import { procThreads, virsh, waitFor } from "./host";
import type { Frame } from "playwright-core";
import { emulatorCpus, pageOpen, undoFromToast, type Browser } from "./page";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const DEMO = "demo-vcpus-unpinned";
let b: Browser;
let frame: Frame;
let original: string;

const saved = () => virsh("dumpxml", "--inactive", DEMO);
const vcpuCpus = () => procThreads(DEMO).filter(t => /^CPU \d+\//.test(t.comm)).map(t => t.cpus);
/** the saved XML without the parts a placement writes, to show nothing else changed */
const savedLessPlacement = async () => (await saved())
    .replace(/\s*<cputune>[\s\S]*?<\/cputune>/g, "").replace(/\s*<numatune>[\s\S]*?<\/numatune>/g, "");

async function placeOpen(): Promise<void> {
    const button = frame.locator(`tr[data-guest="${DEMO}"] [data-testid=place]`);
    await waitFor("the Place button", async () => await button.getAttribute("data-enabled") === "true", 15000);
    await button.click();
    await frame.waitForSelector("[data-testid=place-dialog]");
}

beforeAll(async () => {
    original = await saved();
    b = await browserOpen();
    frame = await pageOpen(b);
});

afterAll(async () => {
    await b?.close();
    // the demo guest exactly as it was: its saved XML, and a fresh start so that the live one matches
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "np-place-"));
    fs.writeFileSync(path.join(dir, "g.xml"), original);
    await virsh("define", path.join(dir, "g.xml"));
    fs.rmSync(dir, { recursive: true, force: true });
    await virsh("destroy", DEMO).catch(() => null);
    await virsh("start", DEMO);
});

describe("place one guest", () => {
    it("refuses owned, offline and malformed CPUs with the reason, and writes nothing", async () => {
        await placeOpen();
        // every CPU of the lab is owned by another guest's vCPU
        expect(await frame.textContent("[data-testid=place-refused]")).toMatch(/Not enough CPUs: the guest has 1 vCPU, and node 0 has 0 CPUs/);
        expect(await frame.isDisabled("[data-testid=place-apply]")).toBe(true);
        await frame.fill("[data-testid=place-cpus]", "1");
        expect(await frame.textContent("[data-testid=place-cpus-help]")).toMatch(/Other guests' vCPUs are pinned to CPU 1 \(demo-aligned, demo-emulator-elsewhere/);
        await frame.fill("[data-testid=place-cpus]", "0-1,^0,x");
        expect(await frame.textContent("[data-testid=place-cpus-help]")).toMatch(/x/);
        await frame.fill("[data-testid=place-cpus]", "7");
        expect(await frame.textContent("[data-testid=place-cpus-help]")).toMatch(/7/);
        expect(await frame.isDisabled("[data-testid=place-apply]")).toBe(true);
        await frame.click("[data-testid=place-close]");
        expect(await saved()).toBe(original);
    });

    it("places it as previewed: vCPU and emulator threads in /proc, vcpupin, emulatorpin and numatune in the saved XML; Undo restores", async () => {
        const rest = await savedLessPlacement();
        expect(vcpuCpus()).toEqual(["0-1"]);
        await placeOpen();
        await frame.check("[data-testid=place-share]");
        await frame.waitForSelector("[data-testid=place-shared]");
        expect(await frame.textContent("[data-testid=place-shared]")).toContain("CPU 0 (demo-transient)");
        const rows = await frame.$$eval("[data-testid=plan-preview] tr[data-op]", trs => trs.map(t => [t.getAttribute("data-op"), t.getAttribute("data-target")]));
        expect(rows).toEqual([
            ["vcpu-live", "0"], ["emulator-live", "0"], ["vcpu-config", "0"], ["emulator-config", "0"], ["numatune-config", "restrictive:0"],
        ]);
        expect(await frame.inputValue("[data-testid=command-vcpu-0-live] input")).toBe(`virsh vcpupin ${DEMO} 0 0 --live`);
        expect(await frame.inputValue("[data-testid=command-numatune] input")).toBe(`virsh numatune ${DEMO} --mode restrictive --nodeset 0 --config`);
        expect(await frame.textContent("[data-testid=place-memory-note]")).toContain("next start");

        await frame.click("[data-testid=place-apply]");
        await frame.waitForSelector("[data-testid=plan-verify]", { timeout: 30000 });
        expect(await frame.textContent("[data-testid=plan-verify]")).toMatch(/Verified: the 1 vCPU thread runs on CPUs 0 \(node 0\)/);
        expect(await frame.$$eval("[data-testid=plan-results] li", lis => lis.map(l => l.getAttribute("data-status") + "/" + l.getAttribute("data-check"))))
            .toEqual(Array(5).fill("applied/verified"));
        // the kernel's view and the saved config, read by the test
        expect(vcpuCpus()).toEqual(["0"]);
        expect(emulatorCpus(DEMO)).toEqual(["0"]);
        const xml = await saved();
        expect(xml).toContain("<vcpupin vcpu='0' cpuset='0'/>");
        expect(xml).toContain("<emulatorpin cpuset='0'/>");
        expect(xml).toMatch(/<numatune>\s*<memory mode='restrictive' nodeset='0'\/>\s*<\/numatune>/);
        expect(await savedLessPlacement()).toBe(rest);

        await frame.click("[data-testid=place-close]");
        await undoFromToast(frame);
        await waitFor("the vCPU back on 0-1", async () => vcpuCpus().join() === "0-1" && emulatorCpus(DEMO).join() === "0-1", 15000);
        // and the page has read it back (a dialog opened before that would preview from the placed guest)
        await frame.waitForSelector(`tr[data-guest="${DEMO}"] td[data-label=vCPUs] span[data-cpus="0-1"]`, { timeout: 30000 });
        const after = await saved();
        // libvirt cannot remove a pin: the vCPU and emulator are pinned to the CPUs they could use before (0-1);
        // the memory binding, which the guest did not have, is gone
        expect(after).toContain("<vcpupin vcpu='0' cpuset='0-1'/>");
        expect(after).not.toContain("numatune");
        expect(await savedLessPlacement()).toBe(rest);
    });

    it("a vCPU pinned with virsh while the dialog is open: the stale plan is refused, nothing is overwritten", async () => {
        await placeOpen();
        await frame.check("[data-testid=place-share]");
        await frame.waitForSelector("[data-testid=plan-preview]");
        await virsh("vcpupin", DEMO, "0", "1", "--config");
        const before = await saved();
        // (the page reads the guest again after virsh's change: Place stays pressable, the preview as it was)
        await frame.waitForSelector("[data-testid=place-apply]:not([disabled])", { timeout: 60000 }).catch(async () => {
            throw new Error(`Place is not pressable: ${await frame.textContent("[data-testid=place-dialog]")}`);
        });
        await frame.click("[data-testid=place-apply]");
        const stale = await frame.waitForSelector("[data-testid=plan-conflicts]", { timeout: 30000 });
        expect(await stale.textContent()).toContain("vCPU 0 of the saved config: expected CPUs 0-1, found 1");
        expect(await saved()).toBe(before);
        await frame.click("[data-testid=place-close]");
    });
});
