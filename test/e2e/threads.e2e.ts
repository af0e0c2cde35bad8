// Issue 5: live thread truth on the page, compared with /proc as the test reads it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen, shellOpen } from "../browser.mjs";
import { procThreads, sleep, virsh, waitFor } from "./host";
import type { Frame, Page } from "playwright-core";

type Browser = { page: Page; errors: string[]; close(): Promise<void> };
let b: Browser;
let frame: Frame;

async function expand(guest: string) {
    const rows = frame.locator(`tr[data-threads-of="${guest}"] [data-testid=threads]`);
    if (await rows.count() === 0)
        await frame.click(`tr[data-guest="${guest}"] button[id^="threads"]`);
    await frame.waitForSelector(`tr[data-threads-of="${guest}"] [data-testid=threads] tr[data-tid]`);
}

async function shownThreads(guest: string) {
    return frame.$$eval(`tr[data-threads-of="${guest}"] [data-testid=threads] tr[data-tid]`, trs => trs.map(tr => ({
        tid: Number(tr.getAttribute("data-tid")),
        comm: tr.querySelector("td[data-label=Name]")?.textContent ?? "",
        cpus: tr.getAttribute("data-actual") ?? "",
        role: tr.getAttribute("data-role"),
    })));
}

beforeAll(async () => {
    b = await browserOpen();
    frame = await shellOpen(b.page);
    await frame.waitForSelector("[data-page-status=ready]");
});
afterAll(async () => { await b?.close() });

describe("threads", () => {
    it("lists every thread of a running guest as /proc has it, with roles", async () => {
        await expand("demo-iothread");
        const truth = procThreads("demo-iothread");
        const shown = await waitFor("the page to show /proc's threads", async () => {
            const s = await shownThreads("demo-iothread");
            const inside = s.filter(t => !t.comm.startsWith("kvm-pit/"));
            return JSON.stringify(inside.map(({ tid, comm, cpus }) => ({ tid, comm, cpus })).sort((x, y) => x.tid - y.tid)) === JSON.stringify(truth) && s;
        });
        const role = (comm: string) => shown.find(t => t.comm === comm)?.role;
        // QEMU names the vCPU thread after its accelerator: "CPU 0/KVM", or "CPU 0/TCG" on a machine without /dev/kvm
        const vcpu = truth.find(t => /^CPU 0\/(KVM|TCG)$/.test(t.comm));
        expect(vcpu, "the vCPU thread in /proc").toBeDefined();
        expect(role("IO iothread1")).toBe("iothread");
        expect(role("IO mon_iothread")).toBe("monitor");
        expect(role(vcpu!.comm)).toBe("vcpu");
        expect(role("qemu-system-x86")).toBe("emulator");
        // libvirt's pins, seen from the kernel: the I/O thread on CPU 0, the vCPU on CPU 1
        expect(truth.find(t => t.comm === "IO iothread1")!.cpus).toBe("0");
        expect(vcpu!.cpus).toBe("1");
    });

    it("follows a live emulatorpin from virsh without a reload", async () => {
        await expand("demo-emulator-elsewhere");
        const main = () => shownThreads("demo-emulator-elsewhere").then(s => s.find(t => t.comm === "qemu-system-x86"));
        expect((await main())!.cpus).toBe("0");
        await virsh("emulatorpin", "demo-emulator-elsewhere", "1", "--live");
        try {
            const started = Date.now();
            await waitFor("the main thread to show CPU 1", async () => (await main())?.cpus === "1", 10000);
            expect(Date.now() - started).toBeLessThan(10000);
            expect(procThreads("demo-emulator-elsewhere").find(t => t.comm === "qemu-system-x86")!.cpus).toBe("1");
        } finally {
            await virsh("emulatorpin", "demo-emulator-elsewhere", "0", "--live");
        }
        await waitFor("the main thread back on 0", async () => (await main())?.cpus === "0", 10000);
    });

    it("reads every guest's threads in one spawn per refresh", async () => {
        const count = async () => ({
            refreshes: Number(await frame.getAttribute("[data-page-status]", "data-refreshes")),
            spawns: Number(await frame.getAttribute("[data-page-status]", "data-spawns")),
        });
        const running = (await virsh("list", "--name")).split("\n").filter(Boolean).length;
        expect(running).toBeGreaterThanOrEqual(6);
        const before = await count();
        await sleep(10000);
        const after = await count();
        expect(after.refreshes - before.refreshes).toBeGreaterThanOrEqual(3);
        expect(after.spawns - before.spawns).toBe(after.refreshes - before.refreshes);
    });
});
