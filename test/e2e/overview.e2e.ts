// Issue 6 on the local lab: verdicts as the model predicts them from libvirt's own XML, the map's highlight,
// guests appearing without a reload, hostile names as plain text, the German locale.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen, shellOpen } from "../browser.mjs";
import { cpusetFormat } from "../../src/model/cpuset";
import { guestParse } from "../../src/model/guest";
import { placementCompute } from "../../src/model/placement";
import type { PolicyKind } from "../../src/model/policy";
import { guestThreads, snapshotParse } from "../../src/model/threads";
import { topologyParse } from "../../src/model/topology";
import { guestStates, virsh, waitFor } from "./host";
import type { Frame, Page } from "playwright-core";

type Browser = { page: Page; errors: string[]; close(): Promise<void> };
let b: Browser;
let frame: Frame;

const DOMParserImpl = (await import("jsdom")).JSDOM;
globalThis.DOMParser = new DOMParserImpl("").window.DOMParser;

/** What the model says for every guest, from virsh's XML and the test's own /proc read. */
async function predicted(policy: PolicyKind) {
    const host = topologyParse(await virsh("capabilities"));
    const reader = fs.readFileSync("src/host/threads-reader.sh", "utf8");
    const snap = snapshotParse(execFileSync("sh", ["-c", reader, "reader", "/run/libvirt/qemu"], { encoding: "utf8" }));
    const out = new Map<string, ReturnType<typeof placementCompute>>();
    for (const [name, state] of await guestStates()) {
        const running = state === "running";
        const persistent = (await virsh("dominfo", name)).match(/^Persistent:\s+yes/m) !== null;
        const config = guestParse(await virsh("dumpxml", name));
        const saved = persistent ? guestParse(await virsh("dumpxml", "--inactive", name)) : null;
        out.set(name, placementCompute({
            host, state: running ? "running" : "shutoff", persistent, config, saved,
            threads: running ? guestThreads(snap, name) : null, policy: { kind: policy } as never,
        }));
    }
    return out;
}

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
        it(`every guest shows the verdict the model predicts under the ${policy} policy`, async () => {
            await openWith(policy);
            const want = await predicted(policy);
            expect(want.size).toBeGreaterThanOrEqual(7);
            const shown = new Map(await frame.$$eval("[data-testid=guests] tr[data-guest]", trs =>
                trs.map(tr => [tr.getAttribute("data-guest"), tr.getAttribute("data-verdict")])));
            for (const [name, p] of want)
                expect(shown.get(name), name).toBe(p.verdict.kind);
            if (policy === "vcpus") {
                expect(shown.get("demo-emulator-elsewhere")).toBe("emulator-elsewhere");
                expect(shown.get("demo-vcpus-unpinned")).toBe("vcpus-unpinned");
                expect(shown.get("demo-aligned")).toBe("aligned");
            }
        });
    }

    it("keeps the policy in the URL: choosing one changes the verdicts", async () => {
        await openWith("node");
        expect(await frame.getAttribute("tr[data-guest=demo-emulator-elsewhere]", "data-verdict")).toBe("single-node");
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
        const want = (await predicted("node")).get("demo-emulator-elsewhere")!;
        await frame.click("tr[data-guest=demo-emulator-elsewhere] td[data-label=Name]");
        await frame.waitForSelector("[data-testid=host-map] [data-roles~=vcpu]");
        const cells = await frame.$$eval("[data-testid=host-map] [data-cpu]", els =>
            els.map(e => [Number(e.getAttribute("data-cpu")), (e.getAttribute("data-roles") ?? "").split(" ").filter(Boolean)] as const));
        const having = (role: string) => cpusetFormat(cells.filter(([, r]) => r.includes(role)).map(([c]) => c));
        expect(having("vcpu")).toBe(cpusetFormat(want.vcpus.cpus));
        expect(having("emulator")).toBe(cpusetFormat(want.emulator.cpus));
        expect(having("vcpu")).toBe("1");
        expect(having("emulator")).toBe("0");
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
