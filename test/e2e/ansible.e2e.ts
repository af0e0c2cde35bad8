// "Export as Ansible" on the local lab: the Align dialog's plan downloaded as a playbook and run with Debian's
// ansible-playbook on this host (connection local): --check reports the two changes and writes nothing; the first run
// pins the emulator threads live and in the saved config (checked in /proc and virsh dumpxml --inactive); the
// second run changes nothing.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame } from "playwright-core";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen } from "../browser.mjs";
import { guestMake, guestRemove, savedEmulatorpin } from "./guests";
import { alignDialogOpen, emulatorCpus, pageOpen, type Browser } from "./page";
import { playbookDownload, playbookRun } from "./playbook";

const GUEST = "np-e2e-ansible";
let b: Browser;
let f: Frame;
const dir = mkdtempSync(path.join(os.tmpdir(), "np-e2e-ansible-"));

/** ansible-playbook on this host; returns the recap's changed count */
const play = (file: string, ...args: string[]) => playbookRun(["-i", "localhost,", "-c", "local", "-e", "ansible_become=false"], file, args, dir);

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
        const file = path.join(dir, "playbook.yml");
        expect(await playbookDownload(b.page, f, "[data-testid=align-dialog]", file)).toMatch(/^numa-placement-playbook-.*\.yml$/);
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
