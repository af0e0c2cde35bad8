// Issue 6 on the local lab: verdicts as the lab's guest definitions give them, the map's highlight,
// guests appearing without a reload, hostile names as plain text, the German locale.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen, shellOpen } from "../browser.mjs";
import type { PolicyKind } from "../../src/model/policy";
import { guestStates, virsh, waitFor } from "./host";
import { tooltipWith } from "./page";
import type { Frame, Page } from "playwright-core";

type Browser = { page: Page; errors: string[]; close(): Promise<void> };
let b: Browser;
let frame: Frame;

/**
 * The verdict of every demo guest under each policy, worked out by hand from the lab's guest definitions
 * (test/lab/guests/*.xml) on this single-node host (CPUs 0 and 1, one node): the test's own reading of the
 * system, not the page's model.
 *   demo-aligned            vCPUs on 1, emulator on 1          demo-emulator-unpinned  vCPUs on 1, emulator anywhere
 *   demo-emulator-elsewhere vCPU on 1, emulator on 0           demo-vcpus-unpinned     nothing pinned
 *   demo-saved-pins         shut off: vCPUs on 0, emulator on 1   demo-transient       vCPU on 0, emulator anywhere
 *   demo-iothread           vCPU on 1, emulator on 1, I/O thread on 0
 * The running guests demo-aligned, demo-emulator-unpinned, demo-emulator-elsewhere and demo-iothread all have
 * vCPUs pinned to CPU 1 alone: they share it ("Shares CPUs", which ranks after the emulator's placement, drift,
 * spans and memory). node: one node holds everything, so a guest is "single node" unless it shares CPUs.
 * vcpus: the emulator must be on exactly the vCPUs' CPUs. housekeeping: on the vCPUs' node but off their CPUs
 * (the other CPU of the two).
 */
const EXPECTED: Record<string, Record<string, string>> = {
    node: {
        "demo-aligned": "shares-cpus", "demo-emulator-unpinned": "shares-cpus", "demo-emulator-elsewhere": "shares-cpus",
        "demo-vcpus-unpinned": "single-node", "demo-saved-pins": "single-node", "demo-transient": "single-node",
        "demo-iothread": "shares-cpus",
    },
    vcpus: {
        "demo-aligned": "shares-cpus", "demo-emulator-unpinned": "emulator-elsewhere", "demo-emulator-elsewhere": "emulator-elsewhere",
        "demo-vcpus-unpinned": "vcpus-unpinned", "demo-saved-pins": "emulator-elsewhere", "demo-transient": "emulator-elsewhere",
        "demo-iothread": "shares-cpus",
    },
    housekeeping: {
        "demo-aligned": "emulator-elsewhere", "demo-emulator-unpinned": "emulator-elsewhere", "demo-emulator-elsewhere": "shares-cpus",
        "demo-vcpus-unpinned": "vcpus-unpinned", "demo-saved-pins": "aligned", "demo-transient": "emulator-elsewhere",
        "demo-iothread": "emulator-elsewhere",
    },
};

async function openWith(policy: PolicyKind) {
    frame = await shellOpen(b.page, { hash: `#/?policy=${policy}` });
    await frame.waitForSelector("[data-page-status=ready]");
    await frame.waitForSelector(`[data-policy=${policy}]`);
    // threads read at least once, so drift (if any) is part of the verdicts
    await waitFor("a thread read", async () => Number(await frame.getAttribute("[data-page-status]", "data-refreshes")) > 0);
}

beforeAll(async () => { b = await browserOpen() });
afterAll(async () => { await b?.close() });

describe("verdicts", () => {
    for (const policy of ["node", "vcpus", "housekeeping"] as PolicyKind[]) {
        it(`every demo guest shows the verdict its definition gives under the ${policy} policy`, async () => {
            await openWith(policy);
            const states = await guestStates();
            const shown = new Map(await frame.$$eval("[data-testid=guests] tr[data-guest]", trs =>
                trs.map(tr => [tr.getAttribute("data-guest"), tr.getAttribute("data-verdict")])));
            for (const [name, verdict] of Object.entries(EXPECTED[policy]!)) {
                expect(states.has(name), `${name} exists (virsh)`).toBe(true);
                expect(shown.get(name), name).toBe(verdict);
            }
        });
    }

    it("keeps the policy in the URL: choosing one changes the verdicts", async () => {
        await openWith("node");
        expect(await frame.getAttribute("tr[data-guest=demo-emulator-elsewhere]", "data-verdict")).toBe("shares-cpus");
        await frame.click("#policy-vcpus");
        await frame.waitForSelector("tr[data-guest=demo-emulator-elsewhere][data-verdict=emulator-elsewhere]");
        await waitFor("the URL", async () => b.page.url().includes("policy=vcpus"));
    });

    it("filters by verdict and by name", async () => {
        await openWith("vcpus");
        await frame.selectOption("[data-testid=verdict-filter]", "emulator-elsewhere");
        const names = await frame.$$eval("tr[data-guest]", trs => trs.map(t => t.getAttribute("data-verdict")));
        expect(names.length).toBeGreaterThan(0);
        expect(new Set(names)).toEqual(new Set(["emulator-elsewhere"]));
        await frame.selectOption("[data-testid=verdict-filter]", "");
        await frame.fill("[data-testid=name-filter] input", "iothread");
        await waitFor("the name filter", async () =>
            JSON.stringify(await frame.$$eval("tr[data-guest]", trs => trs.map(t => t.getAttribute("data-guest")))) === '["demo-iothread"]');
    });
});

describe("the map", () => {
    it("selecting a guest highlights exactly where its vCPUs and emulator threads may run", async () => {
        await openWith("node");
        await frame.click("tr[data-guest=demo-emulator-elsewhere] td[data-label=Name]");
        await frame.waitForSelector("[data-testid=host-map] [data-roles~=vcpu]");
        const cells = await frame.$$eval("[data-testid=host-map] [data-cpu]", els =>
            els.map(e => [Number(e.getAttribute("data-cpu")), (e.getAttribute("data-roles") ?? "").split(" ").filter(Boolean)] as const));
        const having = (role: string) => cells.filter(([, r]) => r.includes(role)).map(([c]) => c).join(",");
        // its definition (and virsh vcpupin / emulatorpin): vCPU on CPU 1, emulator on CPU 0
        expect((await virsh("emulatorpin", "demo-emulator-elsewhere")).trim()).toMatch(/(^|\s)0$/);
        expect(having("vcpu")).toBe("1");
        expect(having("emulator")).toBe("0");
    });
});

describe("contention", () => {
    it("marks each CPU with how many running guests have a vCPU pinned to it alone, as virsh vcpupin says", async () => {
        await openWith("node");
        const owners = new Map<number, Set<string>>();
        for (const [name, state] of await guestStates()) {
            if (state !== "running") continue;
            // " 0   1" per vCPU (virsh -q): its affinity; a single CPU means the vCPU owns it
            for (const line of (await virsh("vcpupin", name)).split("\n")) {
                const m = /^\s*\d+:?\s+(\d+)\s*$/.exec(line);
                if (m) owners.set(Number(m[1]), (owners.get(Number(m[1])) ?? new Set()).add(name));
            }
        }
        const shown = new Map(await frame.$$eval("[data-testid=host-map] [data-cpu]", els =>
            els.map(e => [Number(e.getAttribute("data-cpu")), Number(e.getAttribute("data-owners"))] as [number, number])));
        expect(shown.size).toBeGreaterThan(0);
        for (const [cpu, n] of shown) expect(n, `CPU ${cpu}`).toBe(owners.get(cpu)?.size ?? 0);
        expect(Math.max(...shown.values())).toBeGreaterThan(1); // the lab's guests crowd CPU 1
        expect(await frame.locator("[data-testid=legend-contended]").count()).toBe(1);
        // and the verdict says with whom
        await tooltipWith(frame, "tr[data-guest=demo-aligned] td[data-label=Verdict] .pf-v6-c-label",
                          "pinned to CPU 1, and so are vCPUs of demo-emulator-elsewhere, demo-emulator-unpinned, demo-iothread");
    });
});

describe("changes from outside, hostile names", () => {
    // libvirt refuses only '/' in a name
    const NAME = `<img src=x onerror=alert(1)><b>np "q" 'a' & $(id); \`id\` |x`;
    const xmlName = NAME.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

    it("a guest created with virsh appears without a reload, its name shown as plain text; destroyed, it goes", async () => {
        await openWith("node");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "np-guest-"));
        const file = path.join(dir, "g.xml");
        const kvm = fs.statSync("/dev/kvm", { throwIfNoEntry: false }) ? "kvm" : "qemu";
        fs.writeFileSync(file, `<domain type='${kvm}'><name>${xmlName}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
            <os><type arch='x86_64' machine='pc'>hvm</type><bios rebootTimeout='-1'/></os>
            <devices><serial type='pty'/><memballoon model='none'/></devices></domain>`);
        try {
            await virsh("create", file);
            const row = frame.locator(`tr[data-guest="${NAME.replace(/"/g, '\\"')}"]`);
            await row.waitFor({ timeout: 15000 });
            // libvirt starts a guest paused and resumes it: the page may show that moment first
            await waitFor("the guest running", async () => await row.getAttribute("data-state") === "running", 15000);
            expect(await row.locator("td[data-label=Name]").textContent()).toContain(NAME);
            expect(await row.locator("b, img").count()).toBe(0);
            await virsh("destroy", NAME);
            await row.waitFor({ state: "detached", timeout: 15000 });
        } finally {
            try { await virsh("destroy", NAME) } catch { /* already gone */ }
            fs.rmSync(dir, { recursive: true, force: true });
        }
        expect(b.errors).toEqual([]);
    });

    it("a shut-off guest started with virsh changes state without a reload", async () => {
        await openWith("node");
        await virsh("start", "demo-saved-pins");
        try {
            await frame.waitForSelector("tr[data-guest=demo-saved-pins][data-state=running]", { timeout: 15000 });
        } finally {
            await virsh("destroy", "demo-saved-pins");
        }
        await frame.waitForSelector("tr[data-guest=demo-saved-pins][data-state=shutoff]", { timeout: 15000 });
    });
});

describe("German", () => {
    it("shows the page and its menu entry in German", async () => {
        const de = await browserOpen({ locale: "de-DE" });
        try {
            const f = await shellOpen(de.page);
            await f.waitForSelector("[data-page-status=ready]");
            expect(await f.textContent("[data-testid=guests] thead")).toContain("Zustand");
            expect(await f.locator("h2", { hasText: "Virtuelle Maschinen" }).count()).toBe(1);
            expect(await de.page.locator("nav a", { hasText: "NUMA-Platzierung" }).count()).toBeGreaterThan(0);
        } finally {
            await de.close();
        }
    });
});

describe("keyboard and theme", () => {
    it("selects a guest, expands its threads and opens its dialog without a mouse", async () => {
        await openWith("vcpus");
        await frame.focus("tr[data-guest=demo-emulator-elsewhere]");
        await b.page.keyboard.press("Enter");
        await frame.waitForSelector("[data-testid=host-map] [data-roles~=vcpu]");
        await frame.focus("tr[data-guest=demo-emulator-elsewhere] button[id^=threads]");
        await b.page.keyboard.press("Enter");
        await frame.waitForSelector(`tr[data-threads-of="demo-emulator-elsewhere"] [data-testid=threads]`);
        await frame.focus("tr[data-guest=demo-emulator-elsewhere] [data-testid=align]");
        await b.page.keyboard.press("Enter");
        await frame.waitForSelector("[data-testid=align-dialog]");
        // the dialog takes the focus (until then, Escape goes to the button's tooltip, as it would for a person)
        await frame.waitForFunction(() => document.activeElement?.closest("[data-testid=align-dialog]") !== null
            && document.activeElement?.closest("[data-testid=align-dialog]") !== undefined);
        await b.page.keyboard.press("Escape");
        await frame.waitForSelector("[data-testid=align-dialog]", { state: "detached" });
    });

    it("follows the shell's dark style", async () => {
        await openWith("node");
        await frame.evaluate(() => localStorage.setItem("shell:style", "dark"));
        try {
            await openWith("node");
            expect(await frame.evaluate(() => document.documentElement.classList.contains("pf-v6-theme-dark"))).toBe(true);
        } finally {
            await frame.evaluate(() => localStorage.removeItem("shell:style"));
        }
        await openWith("node");
        expect(await frame.evaluate(() => document.documentElement.classList.contains("pf-v6-theme-dark"))).toBe(false);
    });
});
