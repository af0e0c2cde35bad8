// The article's 4-node host (the NUMA lab), through Cockpit's real login; the truth is read over ssh inside
// the lab. The read-only user goes first, while the lab is quiet; then one administrator session serves the
// other tests in order (a login under emulation costs one to three minutes).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen, shellOpen } from "../browser.mjs";
import { ADMIN, BASE, VIEWER, labGuests, labNodes, labSsh, labVhost } from "./lab";
import type { Frame, Page } from "playwright-core";
import { undoFromToast } from "../e2e/page";

const run = promisify(execFile);
const cpusetMode = (mode: "on" | "off") => run("bash", ["test/numa-lab/cpuset-mode.sh", mode]);

type Browser = { page: Page; close(): Promise<void> };
const ARTICLE = "1,3,5,7,9,11";
let b: Browser;
let frame: Frame;

/** every emulator-group thread of a guest in the lab, and its vhost worker: name -> Cpus_allowed_list */
async function labEmulatorThreads(guest: string): Promise<string[]> {
    const out = await labSsh(`pid=$(cat /run/libvirt/qemu/${guest}.pid); for t in /proc/$pid/task/*; do printf '%s\\t%s\\n' "$(cat $t/comm)" "$(sed -n 's/^Cpus_allowed_list:\\s*//p' $t/status)"; done`);
    return out.trim().split("\n").filter(l => !/^(CPU \d+\/|kvm-nx)/.test(l)).map(l => l.split("\t")[1]!);
}

async function expand(guest: string) {
    if (await frame.locator(`tr[data-threads-of="${guest}"] [data-testid=threads]`).count() === 0)
        await frame.click(`tr[data-guest="${guest}"] button[id^="threads"]`);
    await frame.waitForSelector(`tr[data-threads-of="${guest}"] [data-testid=threads] tr[data-tid]`, { timeout: 300000 });
}


describe("limited access", () => {
    it("shows the user without sudo the page read-only, guests included, actions disabled with the reason", async () => {
        const v: Browser = await browserOpen();
        try {
            const f = await shellOpen(v.page, { base: BASE, user: VIEWER.user, password: VIEWER.password, timeout: 300000 });
            await f.waitForSelector("[data-page-status=ready]", { timeout: 300000 });
            expect(await f.getAttribute("[data-page-status]", "data-access")).toBe("limited");
            expect(await f.textContent("[data-testid=limited-access]")).toContain("read-only");
            expect(await f.locator("[data-testid=guests] tr[data-guest='rhel64']").count()).toBe(1);
            expect(await f.getAttribute("tr[data-guest=rhel64] [data-testid=align]", "data-enabled")).toBe("false");
            expect(await f.getAttribute("tr[data-guest=rhel64] [data-testid=align]", "aria-disabled")).toBe("true");
        } finally {
            await v.close();
        }
    });
});

describe("the article's host", () => {
    beforeAll(async () => {
        b = await browserOpen();
        // the lab is an emulated machine: every action may wait minutes when it is busy
        b.page.setDefaultTimeout(180000);
        frame = await shellOpen(b.page, { base: BASE, user: ADMIN.user, password: ADMIN.password, admin: true, timeout: 300000 });
        await frame.waitForSelector("[data-page-status=ready]", { timeout: 300000 });
    });
    afterAll(async () => { await b?.close() });
    it("shows the four nodes with the article's CPU lists, as lscpu inside the lab has them", async () => {
        const truth = await labNodes();
        expect([...truth.values()]).toEqual(["0,2,4,6,8,10", "12,14,16,18,20,22", "13,15,17,19,21,23", "1,3,5,7,9,11"]);
        const shown = await frame.$$eval("[data-testid=host-map] [data-node]", els =>
            els.map(e => [Number(e.getAttribute("data-node")), e.getAttribute("data-cpus")] as [number, string]));
        const expand = (s: string) => s.split(",").flatMap(p => {
            const [a, z] = p.split("-").map(Number);
            return z === undefined ? [a!] : Array.from({ length: z - a! + 1 }, (_, i) => a! + i);
        }).join(",");
        expect(new Map(shown.map(([n, c]) => [n, expand(c)]))).toEqual(truth);
    });

    it("lists every guest with its state (virsh), and the verdict its definition gives", async () => {
        expect(await frame.getAttribute("[data-page-status]", "data-access")).toBe("admin");
        const truth = await labGuests();
        expect([...truth.keys()].sort()).toEqual(["aligned", "emu-elsewhere", "memory-away", "rhel64", "saved-pins", "wide"]);
        const rows = new Map(await frame.$$eval("[data-testid=guests] tr[data-guest]", trs =>
            trs.map(tr => [tr.getAttribute("data-guest"), [tr.getAttribute("data-state"), tr.getAttribute("data-verdict")]] as const)));
        // worked out by hand from test/numa-lab/guests/*.xml and the node lists lscpu gives (checked above), under
        // the node policy: the emulator belongs on the nodes of the vCPUs
        const VERDICTS: Record<string, string> = {
            aligned: "aligned",                  // vCPU 17 (node 2), emulator 13-23 odd (node 2)
            "emu-elsewhere": "emulator-elsewhere", // vCPU 14 (node 1), emulator 13,15 (node 2)
            "memory-away": "memory-elsewhere",   // vCPU and emulator on node 0, numatune memory on node 3
            rhel64: "emulator-elsewhere",        // vCPUs 1 and 3 (node 3), emulator unpinned (every node)
            "saved-pins": "emulator-elsewhere",  // shut off: vCPUs 0 and 2 (node 0), emulator 12-22 (node 1)
            wide: "emulator-elsewhere",          // vCPUs 5 and 12 (nodes 3 and 1), emulator unpinned
        };
        for (const [name, state] of truth) {
            const [shownState, shownVerdict] = rows.get(name)!;
            expect(shownState, name).toBe(state === "running" ? "running" : "shutoff");
            expect(shownVerdict, name).toBe(VERDICTS[name]);
        }
        expect(rows.get("rhel64")![1]).toBe("emulator-elsewhere");
        expect(rows.get("aligned")![1]).toBe("aligned");
        expect(rows.get("memory-away")![1]).toBe("memory-elsewhere");
        expect(await frame.getAttribute("tr[data-guest=memory-away] td[data-memory]", "data-memory")).toBe("3");
        // rhel64's verdict names nodes 0, 1 and 2
        await frame.hover(`tr[data-guest=rhel64] td[data-label=Verdict] .pf-v6-c-label`);
        const tip = await frame.waitForSelector(".pf-v6-c-tooltip", { timeout: 10000 });
        expect(await tip.textContent()).toContain("nodes 0, 1, 2");
    });

    it("shows rhel64's vhost-PID worker with its role and the CPUs /proc in the lab gives it", async () => {
        await expand("rhel64");
        const vhost = await labVhost("rhel64");
        expect(vhost.comm).toBe(`vhost-${vhost.pid}`);
        const row = frame.locator(`tr[data-threads-of="rhel64"] tr[data-tid="${vhost.tid}"]`);
        await row.waitFor({ timeout: 30000 });
        expect(await row.getAttribute("data-role")).toBe("vhost");
        expect(await row.getAttribute("data-actual")).toBe(vhost.cpus);
    });

    it("aligns rhel64 from the page: every emulator thread and its vhost worker on exactly 1,3,5,7,9,11, saved too", async () => {
        await frame.click(`tr[data-guest=rhel64] [data-testid=align]`, { timeout: 120000 });
        await frame.waitForSelector("[data-testid=align-dialog]", { timeout: 60000 });
        expect(await frame.inputValue("[data-testid=command-live] input")).toBe(`virsh emulatorpin rhel64 ${ARTICLE} --live`);
        expect(await frame.inputValue("[data-testid=command-config] input")).toBe(`virsh emulatorpin rhel64 ${ARTICLE} --config`);
        await frame.click("[data-testid=align-apply]");
        const verify = await frame.waitForSelector("[data-testid=plan-verify]", { timeout: 120000 });
        expect(await verify.textContent()).toContain(`now run on CPUs ${ARTICLE} (node 3)`);
        // "these should match": the kernel's view inside the lab
        expect(new Set(await labEmulatorThreads("rhel64"))).toEqual(new Set([ARTICLE]));
        expect((await labVhost("rhel64")).cpus).toBe(ARTICLE);
        expect(await labSsh("virsh dumpxml --inactive rhel64")).toContain(`<emulatorpin cpuset='${ARTICLE}'/>`);
        await frame.click("[data-testid=align-close]");
        await undoFromToast(frame, 120000);
        await frame.waitForSelector("tr[data-guest=rhel64][data-verdict=emulator-elsewhere]", { timeout: 120000 });
    });

    it("with libvirt's cpuset controller off, the vhost worker left behind is drift, and moved when asked", async () => {
        await cpusetMode("off");
        try {
            await labSsh("virsh -q destroy rhel64 >/dev/null; virsh -q start rhel64 >/dev/null; virsh -q emulatorpin rhel64 1,3,5,7,9,11 --live");
            const vhost = await labVhost("rhel64");
            expect(vhost.cpus).toBe("0-23"); // the kernel's own view: it did not follow
            // the page follows the restarted guest by itself: no reload
            await expand("rhel64");
            await frame.waitForSelector(`tr[data-threads-of="rhel64"] tr[data-tid="${vhost.tid}"][data-drift="true"]`, { timeout: 300000 });
            expect(await frame.getAttribute("tr[data-guest=rhel64]", "data-verdict")).toBe("drift");
            expect(await frame.textContent(`tr[data-threads-of="rhel64"] [data-testid=drift-explained]`)).toContain("did not follow");

            await frame.click(`tr[data-guest=rhel64] [data-testid=align]`, { timeout: 120000 });
            await frame.waitForSelector("[data-testid=align-dialog]", { timeout: 120000 });
            await frame.check("#align-move");
            await frame.click("[data-testid=align-apply]");
            const verify = await frame.waitForSelector("[data-testid=plan-verify]", { timeout: 300000 });
            expect(await verify.textContent()).toContain(`now run on CPUs ${ARTICLE}`);
            expect(await frame.getAttribute("[data-testid=plan-results] li[data-op=move]", "data-status")).toBe("applied");
            expect((await labVhost("rhel64")).cpus).toBe(ARTICLE);
            expect(new Set(await labEmulatorThreads("rhel64"))).toEqual(new Set([ARTICLE]));
            await frame.click("[data-testid=align-close]");
        } finally {
            // libvirt's default back for later runs against this lab; rhel64 keeps running as it is (the lab's
            // disk is a snapshot: the next boot starts clean)
            await cpusetMode("on");
        }
    }, 1_500_000);
});
