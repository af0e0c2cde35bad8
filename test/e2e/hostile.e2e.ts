// Issue 13: what users can write cannot forge guests, block the reader, or get the page to touch threads
// outside the guests. Planted in libvirt's run directory (root's) and in the lab user's own qemu:///session run
// directory: a pid file whose name forges records (a fake "victim" guest with thread ids of the test's choice)
// and a FIFO named like a pid file. The oracles are /proc, virsh and the bridge's processes counted with strace.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame } from "playwright-core";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen, shellOpen } from "../browser.mjs";
// @ts-expect-error: plain JS helper shared with the benchmark
import { bridgeSpawnsDuring } from "../spawns.mjs";
import { guestMake, guestRemove } from "./guests";
import { procThreads, sleep, virsh, waitFor } from "./host";
import type { Browser } from "./page";

const USER = "numa-lab-user";
const uid = Number(execFileSync("id", ["-u", USER], { encoding: "utf8" }).trim());
const gid = Number(execFileSync("id", ["-g", USER], { encoding: "utf8" }).trim());
const SYSTEM_RUN = "/run/libvirt/qemu";
const SESSION_RUN = `/run/user/${uid}/libvirt/qemu/run`;
const TARGET = "np-e2e-hostile", TABBED = "np-e2e\ttab";
// a record stream that would replace TARGET's threads with PID 1 (and a thread of the test's choice), if the
// reader printed file names as they are
const FORGED = `x\nC\tsystem\nG\t1\t${TARGET}\nT\t1\t0\tw.pid`;

const allowed = (pid: number) => /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1];
const planted: string[] = [];
function plant(dir: string, owner: number | null) {
    for (const [name, fifo] of [[FORGED, false], ["hang.pid", true]] as const) {
        const file = path.join(dir, name);
        if (fifo) execFileSync("mkfifo", [file]);
        else writeFileSync(file, "1");
        if (owner !== null) chownSync(file, owner, gid);
        planted.push(file);
    }
}

let b: Browser;
let sentinel: ChildProcess;
beforeAll(async () => {
    await guestMake({ name: TARGET, vcpus: [1], emulator: "0" }, "running");
    plant(SYSTEM_RUN, null);
    if (existsSync(SESSION_RUN)) plant(SESSION_RUN, uid);
    sentinel = spawn("sleep", ["3600"], { stdio: "ignore" });
    b = await browserOpen();
});
afterAll(async () => {
    for (const f of planted) rmSync(f, { force: true });
    sentinel?.kill();
    await b?.close();
    for (const n of [TARGET, TABBED]) await guestRemove(n);
});

async function open(port: number, hash = ""): Promise<Frame> {
    const f: Frame = await shellOpen(b.page, { base: `http://127.0.0.1:${port}`, hash });
    await f.waitForSelector("[data-page-status=ready] [data-testid=guests]");
    await f.waitForFunction(() => Number(document.querySelector("[data-refreshes]")?.getAttribute("data-refreshes")) > 0, null, { timeout: 30000 });
    return f;
}

describe.each([{ port: 9090, who: "root, administrative access" }, { port: 9092, who: "the lab user, with session guests" }])("on :$port ($who)", ({ port }) => {
    it("shows no forged guest and keeps refreshing at its normal rate", async () => {
        const f = await open(port);
        const shown = await f.$$eval("tr[data-guest]", trs => trs.map(t => t.getAttribute("data-guest")));
        expect(shown.some(n => n?.includes("\n"))).toBe(false);
        if (port === 9090) {
            // the guest the forged records name shows its own threads, as /proc has them (and its kernel workers), not PID 1
            await f.click(`tr[data-guest="${TARGET}"] button[id^=threads]`);
            const truth = procThreads(TARGET).map(t => String(t.tid));
            const shownTids = () => f.$$eval(`tr[data-threads-of="${TARGET}"] tr[data-tid]`, trs => trs.map(t => t.getAttribute("data-tid")));
            await waitFor(`${TARGET}'s threads`, async () => (await shownTids()).length >= truth.length, 30000);
            const shownNow = await shownTids();
            expect(shownNow).toEqual(expect.arrayContaining(truth));
            expect(shownNow).not.toContain("1");
        }
        expect(await f.locator("[data-testid=threads-problem]").count()).toBe(0);
        // one read every 3 s, neither blocked by the FIFO nor more often
        const spawns = await bridgeSpawnsDuring(port, () => sleep(9000));
        expect(spawns).toBeGreaterThanOrEqual(2);
        expect(spawns).toBeLessThanOrEqual(4);
    });
});

describe("changes", () => {
    it("Align all touches only the guest's own threads: not PID 1, not a bystander", async () => {
        const before = { init: allowed(1), sentinel: allowed(sentinel.pid!) };
        const f = await open(9090, "#/?policy=vcpus");
        await f.fill("[data-testid=name-filter] input", TARGET);
        await waitFor("the filter", async () => (await f.$$eval("tr[data-guest]", t => t.length)) === 1);
        await f.click("[data-testid=align-all]");
        await f.click("[data-testid=align-all-apply]");
        await f.waitForSelector(`[data-testid=align-all-dialog] tr[data-guest="${TARGET}"][data-status=verified]`, { timeout: 60000 });
        expect(allowed(1)).toBe(before.init);
        expect(allowed(sentinel.pid!)).toBe(before.sentinel);
        expect(procThreads(TARGET).filter(t => !/^CPU \d+\//.test(t.comm) && !t.comm.startsWith("kvm-nx")).map(t => t.cpus)).toEqual(
            procThreads(TARGET).filter(t => !/^CPU \d+\//.test(t.comm) && !t.comm.startsWith("kvm-nx")).map(() => "1"));
        await f.click("[data-testid=align-all-close]");
    });

    it("a guest whose name has a tab is listed, with its threads", async () => {
        await guestMake({ name: TABBED, vcpus: [1] }, "running");
        const f = await open(9090);
        // (a tab cannot be written in a CSS attribute selector as it is: XPath takes it)
        const row = f.locator(`xpath=//tr[@data-guest="${TABBED}"]`);
        await row.waitFor({ timeout: 30000 });
        await row.locator("button[id^=threads]").click();
        const truth = procThreads(TABBED).map(t => String(t.tid)).sort();
        await waitFor("its threads", async () => {
            const shown = await f.$$eval(`tr[data-threads-of] tr[data-tid]`, trs => trs.map(t => t.getAttribute("data-tid")));
            return truth.every(t => shown.includes(t));
        }, 30000);
        expect((await virsh("list", "--name")).split("\n")).toContain(TABBED);
    });
});
