// "Export as Ansible" on the local lab: the Align dialog's plan downloaded as a playbook and run with Debian's
// ansible-playbook on this host (connection local): --check reports the two changes and writes nothing; the first run
// pins the emulator threads live and in the saved config (checked in /proc and virsh dumpxml --inactive); the
// second run changes nothing.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame } from "playwright-core";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen } from "../browser.mjs";
import { guestMake, guestRemove, savedEmulatorpin } from "./guests";
import { alignDialogOpen, emulatorCpus, pageOpen, type Browser } from "./page";

const run = promisify(execFile);
const GUEST = "np-e2e-ansible";
let b: Browser;
let f: Frame;
const dir = mkdtempSync(path.join(os.tmpdir(), "np-e2e-ansible-"));

/** ansible-playbook on this host; returns the recap's changed count */
async function play(file: string, ...args: string[]): Promise<number> {
    const { stdout } = await run("ansible-playbook", ["-i", "localhost,", "-c", "local", "-e", "ansible_become=false", file, ...args],
        { env: { ...process.env, ANSIBLE_NOCOLOR: "1", HOME: dir }, maxBuffer: 16 << 20 });
    return Number(/changed=(\d+)\s+unreachable=0\s+failed=0/.exec(stdout)?.[1] ?? NaN);
}

beforeAll(async () => {
    await guestMake({ name: GUEST, vcpus: [1], emulator: "0" }, "running");
    b = await browserOpen();
    f = await pageOpen(b);
});
afterAll(async () => {
    await b?.close();
    await guestRemove(GUEST);
    rmSync(dir, { recursive: true, force: true });
});

describe("Export as Ansible", () => {
    it("downloads the Align plan as a playbook that pins like the page, idempotent and honest under --check", async () => {
        await alignDialogOpen(f, GUEST);
        const [download] = await Promise.all([b.page.waitForEvent("download"), f.click("[data-testid=align-dialog] [data-testid=export-ansible]")]);
        expect(download.suggestedFilename()).toMatch(/^numa-placement-playbook-.*\.yml$/);
        const file = path.join(dir, "playbook.yml");
        await download.saveAs(file);
        await f.click("[data-testid=align-close]");

        expect(await play(file, "--check")).toBe(2);
        expect(emulatorCpus(GUEST)).toEqual(["0"]);
        expect(await savedEmulatorpin(GUEST)).toBe("0");

        expect(await play(file)).toBe(2);
        expect(emulatorCpus(GUEST)).toEqual(["1"]);
        expect(await savedEmulatorpin(GUEST)).toBe("1");

        expect(await play(file)).toBe(0);
    });
});
