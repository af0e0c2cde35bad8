// Issue 7 on the local lab: each change checked by the test from /proc and `virsh dumpxml --inactive` itself.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen } from "../browser.mjs";
import { guestMake, guestRemove, liveEmulatorpin, savedEmulatorpin, savedXmlLessPins } from "./guests";
import { procThreads, virsh, waitFor } from "./host";
import type { Frame } from "playwright-core";
import { alignDialogOpen, emulatorCpus, pageOpen, undoFromToast, type Browser } from "./page";

let b: Browser;
let frame: Frame;
const RUN = "np-e2e-run", OFF = "np-e2e-off", TRANSIENT = "np-e2e-transient", IOT = "np-e2e-iothread";
const ALL = ["np-e2e-all-a", "np-e2e-all-b", "np-e2e-all-ok"];


async function open() { frame = await pageOpen(b) }

const alignDialog = (name: string) => alignDialogOpen(frame, name);

beforeAll(async () => {
    b = await browserOpen();
});
afterAll(async () => {
    await b?.close();
    for (const n of [RUN, OFF, TRANSIENT, IOT, ...ALL]) await guestRemove(n);
});

describe("align one guest", () => {
    beforeEach(async () => {
        await guestMake({ name: RUN, vcpus: [1], emulator: "0" }, "running");
        await open();
    });

    it("a misaligned running guest becomes aligned: /proc and the saved XML, nothing else changed; Undo restores", async () => {
        const before = await savedXmlLessPins(RUN);
        expect(emulatorCpus(RUN)).toEqual(["0"]);
        await alignDialog(RUN);
        expect(await frame.getAttribute("[data-testid=plan-preview] tr[data-where=live]", "data-target")).toBe("1");
        expect(await frame.inputValue("[data-testid=command-live] input")).toBe(`virsh emulatorpin ${RUN} 1 --live`);
        expect(await frame.inputValue("[data-testid=command-config] input")).toBe(`virsh emulatorpin ${RUN} 1 --config`);
        await frame.click("[data-testid=align-apply]");
        await frame.waitForSelector("[data-testid=plan-verify]", { timeout: 30000 });
        expect(await frame.textContent("[data-testid=plan-verify]")).toMatch(/Verified: the \d+ emulator threads now run on CPUs 1/);
        expect(await frame.$$eval("[data-testid=plan-results] li", lis => lis.map(l => [l.getAttribute("data-op"), l.getAttribute("data-status")])))
            .toEqual([["emulator-live", "applied"], ["emulator-config", "applied"]]);
        // the kernel's view and the saved config, read by the test
        expect(emulatorCpus(RUN)).toEqual(["1"]);
        expect(await savedEmulatorpin(RUN)).toBe("1");
        expect(await savedXmlLessPins(RUN)).toBe(before);

        await frame.click("[data-testid=align-close]");
        await undoFromToast(frame);
        await waitFor("the previous pins", async () => await savedEmulatorpin(RUN) === "0" && emulatorCpus(RUN).join() === "0", 15000);
        expect(await liveEmulatorpin(RUN)).toBe("0");
        expect(await savedXmlLessPins(RUN)).toBe(before);
    });

    it("a guest destroyed while its dialog is open: nothing is written, and the dialog shows the guest as it is now", async () => {
        await alignDialog(RUN);
        const before = await virsh("dumpxml", "--inactive", RUN);
        await virsh("destroy", RUN);
        await frame.click("[data-testid=align-apply]");
        const stale = await frame.waitForSelector("[data-testid=plan-conflicts]", { timeout: 30000 });
        expect(await stale.textContent()).toContain("nothing was written");
        expect(await stale.textContent()).toContain("no longer running");
        // the new preview: only the saved config is left to change
        expect(await frame.$$eval("[data-testid=plan-preview] tr[data-where]", trs => trs.map(t => t.getAttribute("data-where")))).toEqual(["config"]);
        expect(await frame.locator("[data-testid=plan-results]").count()).toBe(0);
        expect(await virsh("dumpxml", "--inactive", RUN)).toBe(before);
        expect((await virsh("domstate", RUN)).trim()).toBe("shut off");
        await frame.click("[data-testid=align-close]");
    });

    it("a pin changed with virsh while the dialog is open: the stale plan is refused, nothing is overwritten", async () => {
        await alignDialog(RUN);
        expect(await frame.getAttribute("[data-testid=plan-preview] tr[data-where=config]", "data-target")).toBe("1");
        await virsh("emulatorpin", RUN, "0-1", "--config");
        await frame.click("[data-testid=align-apply]");
        const stale = await frame.waitForSelector("[data-testid=plan-conflicts]", { timeout: 30000 });
        expect(await stale.textContent()).toContain("saved config: expected CPUs 0, found 0-1");
        // nothing was written: the live pin is still the old one, the saved one is the other admin's
        expect(emulatorCpus(RUN)).toEqual(["0"]);
        expect(await savedEmulatorpin(RUN)).toBe("0-1");
        // the preview now starts from what the guest has
        await waitFor("the new preview", async () => (await frame.textContent("[data-testid=plan-preview] tr[data-where=config]"))?.includes("0-1 ("));
        await frame.click("[data-testid=align-close]");
    });

    it("Undo after someone changed the pin with virsh: refused, nothing overwritten", async () => {
        await alignDialog(RUN);
        await frame.click("[data-testid=align-apply]");
        await frame.waitForSelector("[data-testid=plan-verify]", { timeout: 30000 });
        await frame.click("[data-testid=align-close]");
        // Undo's preview, read while the guest still has what the align set
        await frame.click("[data-testid=toasts] [data-testid=undo]");
        await frame.waitForSelector("[data-testid=undo-dialog] [data-undo=ready]", { timeout: 30000 });
        expect(await frame.inputValue("[data-testid=undo-dialog] [data-testid=command-config] input")).toBe(`virsh emulatorpin ${RUN} 0 --config`);
        // another admin pins it meanwhile; Undo checks again right before writing
        await virsh("emulatorpin", RUN, "0-1", "--config");
        await frame.click("[data-testid=undo-apply]");
        const refused = await frame.waitForSelector("[data-testid=undo-dialog] [data-testid=plan-conflicts]", { timeout: 30000 });
        expect(await refused.textContent()).toContain("expected CPUs 1, found 0-1");
        await frame.click("[data-testid=undo-close]");
        expect(await savedEmulatorpin(RUN)).toBe("0-1");
        expect(await liveEmulatorpin(RUN)).toBe("1");
        expect(emulatorCpus(RUN)).toEqual(["1"]);
    });

    it("an Undo offer expires when the guest changes after the align", async () => {
        await alignDialog(RUN);
        await frame.click("[data-testid=align-apply]");
        await frame.waitForSelector("[data-testid=plan-verify]", { timeout: 30000 });
        await frame.click("[data-testid=align-close]");
        await frame.waitForSelector("[data-testid=toasts] [data-undo=matched]", { timeout: 30000 });
        await virsh("emulatorpin", RUN, "0", "--live");
        await frame.waitForSelector("[data-testid=toasts] [data-testid=undo-expired]", { timeout: 30000 });
        expect(await frame.locator("[data-testid=toasts] [data-testid=undo]").count()).toBe(0);
        expect(await savedEmulatorpin(RUN)).toBe("1");
    });

    it("only the saved config needs the pin: it alone is written, and the running guest is still verified from /proc", async () => {
        await virsh("emulatorpin", RUN, "1", "--live");
        await waitFor("the live pin on the page", async () =>
            (await frame.getAttribute(`tr[data-guest="${RUN}"] td[data-label="Emulator CPUs"] [data-cpus]`, "data-cpus")) === "1");
        await alignDialog(RUN);
        expect(await frame.$$eval("[data-testid=plan-preview] tr[data-op]", trs => trs.map(t => t.getAttribute("data-op")))).toEqual(["emulator-config", "unchanged"]);
        await frame.click("[data-testid=align-apply]");
        const verify = await frame.waitForSelector("[data-testid=plan-verify]", { timeout: 30000 });
        expect(await verify.textContent()).toMatch(/Verified: the \d+ emulator threads now run on CPUs 1/);
        expect(await frame.$$eval("[data-testid=plan-results] li", lis => lis.map(l => l.getAttribute("data-op")))).toEqual(["emulator-config"]);
        expect(await savedEmulatorpin(RUN)).toBe("1");
        expect(emulatorCpus(RUN)).toEqual(["1"]);
        await frame.click("[data-testid=align-close]");
    });

    it("refuses a custom CPU list with bad input, saying why, as it is typed", async () => {
        await alignDialog(RUN);
        await frame.selectOption("[data-testid=align-policy]", "custom");
        const help = () => frame.textContent("[data-testid=align-custom-help]");
        const bad: [string, string][] = [["3-1", "ends before it starts"], ["5", "CPU 5 does not exist on this host (CPUs 0-1)"],
            ["1,,0", "empty entry"], ["x", "not a CPU number"]];
        for (const [input, why] of bad) {
            await frame.fill("input[data-testid=align-custom]", input);
            await waitFor(`the reason for ${input}`, async () => (await help())?.includes(why));
            expect(await frame.isDisabled("[data-testid=align-apply]")).toBe(true);
        }
        await frame.fill("input[data-testid=align-custom]", "0-1");
        await waitFor("a valid list", async () => !(await frame.isDisabled("[data-testid=align-apply]")));
        expect(await frame.getAttribute("[data-testid=plan-preview] tr[data-where=live]", "data-target")).toBe("0-1");
        await frame.click("[data-testid=align-close]");
        expect(await savedEmulatorpin(RUN)).toBe("0");
    });
});

describe("steps follow the guest's state", () => {
    it("a shut-off guest changes only its saved config", async () => {
        await guestMake({ name: OFF, vcpus: [1], emulator: "0" }, "shutoff");
        await open();
        await alignDialog(OFF);
        expect(await frame.$$eval("[data-testid=plan-preview] tr[data-where]", trs => trs.map(t => t.getAttribute("data-where")))).toEqual(["config"]);
        await frame.click("[data-testid=align-apply]");
        await frame.waitForSelector("[data-testid=plan-results] li[data-op=emulator-config][data-status=applied]");
        expect(await savedEmulatorpin(OFF)).toBe("1");
        expect((await virsh("domstate", OFF)).trim()).toBe("shut off");
        await frame.click("[data-testid=align-close]");
    });

    it("a transient guest changes only live", async () => {
        await guestMake({ name: TRANSIENT, vcpus: [1], emulator: "0" }, "transient");
        await open();
        await alignDialog(TRANSIENT);
        expect(await frame.$$eval("[data-testid=plan-preview] tr[data-where]", trs => trs.map(t => t.getAttribute("data-where")))).toEqual(["live"]);
        await frame.click("[data-testid=align-apply]");
        await frame.waitForSelector("[data-testid=plan-verify]", { timeout: 30000 });
        expect(await frame.$$eval("[data-testid=plan-results] li", lis => lis.map(l => l.getAttribute("data-op")))).toEqual(["emulator-live"]);
        expect(emulatorCpus(TRANSIENT)).toEqual(["1"]);
        expect(await liveEmulatorpin(TRANSIENT)).toBe("1");
        await frame.click("[data-testid=align-close]");
    });
});

describe("I/O threads", () => {
    it("are previewed with their commands when asked, then pinned live and in the saved config", async () => {
        await guestMake({ name: IOT, vcpus: [1], emulator: "0", iothreads: 1 }, "running");
        await open();
        await alignDialog(IOT);
        expect(await frame.locator("[data-testid=plan-preview] tr[data-op^=iothread]").count()).toBe(0);
        await frame.check("#align-iothreads");
        expect(await frame.$$eval("[data-testid=plan-preview] tr[data-op]", trs => trs.map(t => t.getAttribute("data-op"))))
            .toEqual(["emulator-live", "iothread-live", "emulator-config", "iothread-config"]);
        expect(await frame.inputValue("[data-testid=command-iothread-1-live] input")).toBe(`virsh iothreadpin ${IOT} 1 1 --live`);
        expect(await frame.inputValue("[data-testid=command-iothread-1-config] input")).toBe(`virsh iothreadpin ${IOT} 1 1 --config`);
        await frame.click("[data-testid=align-apply]");
        await frame.waitForSelector("[data-testid=plan-verify]", { timeout: 30000 });
        expect(await frame.$$eval("[data-testid=plan-results] li", lis => lis.map(l => [l.getAttribute("data-op"), l.getAttribute("data-status"), l.getAttribute("data-check")])))
            .toEqual([["emulator-live", "applied", "verified"], ["iothread-live", "applied", "verified"],
                      ["emulator-config", "applied", "verified"], ["iothread-config", "applied", "verified"]]);
        // the test's own view: the saved XML and the kernel's
        expect(await virsh("dumpxml", "--inactive", IOT)).toContain("<iothreadpin iothread='1' cpuset='1'/>");
        expect(procThreads(IOT).filter(t => t.comm === "IO iothread1").map(t => t.cpus)).toEqual(["1"]);
        expect(emulatorCpus(IOT)).toEqual(["1"]);
        await frame.click("[data-testid=align-close]");
    });
});

describe("align all", () => {
    it("fixes every misaligned guest shown and leaves aligned ones as they were; one Undo for the batch", async () => {
        await guestMake({ name: ALL[0]!, vcpus: [1], emulator: "0" }, "running");
        await guestMake({ name: ALL[1]!, vcpus: [0], emulator: "1" }, "shutoff");
        await guestMake({ name: ALL[2]!, vcpus: [1], emulator: "1" }, "running");
        const okBefore = await virsh("dumpxml", "--inactive", ALL[2]!);
        await open();
        await frame.fill("[data-testid=name-filter] input", "np-e2e-all-");
        await waitFor("the filter", async () => (await frame.$$eval("tr[data-guest]", t => t.length)) === 3);
        expect(await frame.textContent("[data-testid=align-all]")).toContain("Align all (2)");
        await frame.click("[data-testid=align-all]");
        await frame.waitForSelector("[data-testid=align-all-dialog]");
        expect((await frame.$$eval("[data-testid=align-all-dialog] tr[data-guest]", trs => trs.map(t => t.getAttribute("data-guest")))).sort())
            .toEqual([ALL[0], ALL[1]]);
        await frame.click("[data-testid=align-all-apply]");
        await frame.waitForSelector(`[data-testid=align-all-dialog] tr[data-guest="${ALL[0]}"][data-status=verified]`, { timeout: 60000 });
        await frame.waitForSelector(`[data-testid=align-all-dialog] tr[data-guest="${ALL[1]}"][data-status=applied]`, { timeout: 60000 });
        expect(emulatorCpus(ALL[0]!)).toEqual(["1"]);
        expect(await savedEmulatorpin(ALL[0]!)).toBe("1");
        expect(await savedEmulatorpin(ALL[1]!)).toBe("0");
        expect(await virsh("dumpxml", "--inactive", ALL[2]!)).toBe(okBefore);
        await frame.click("[data-testid=align-all-close]");

        await undoFromToast(frame);
        await waitFor("the batch undone", async () =>
            await savedEmulatorpin(ALL[0]!) === "0" && await savedEmulatorpin(ALL[1]!) === "1" && emulatorCpus(ALL[0]!).join() === "0", 20000);
    });
});
