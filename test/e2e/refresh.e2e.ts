// Issue 12, part 1: an open page reads the host once per refresh interval, not once per render. Counted from
// outside the page (strace on the bridge: every process it starts), on :9090 (root, the host's guests) and
// :9092 (the lab user, whose page also has qemu:///session guests: where a list rebuilt on every render once made
// 210 spawns in 15 seconds).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen, shellOpen } from "../browser.mjs";
// @ts-expect-error: plain JS helper shared with the benchmark
import { bridgeSpawnsDuring } from "../spawns.mjs";
import type { Browser } from "./page";
import { sleep, virsh } from "./host";

const THREADS_REFRESH_MS = 3000; // src/ui/useThreads.ts
const WINDOW_MS = 15000;
// one read per interval, one more for an interval that starts inside the window; no libvirt event happens meanwhile
const LIMIT = Math.ceil(WINDOW_MS / THREADS_REFRESH_MS) + 1;

describe.each([
    { port: 9090, who: "root" },
    { port: 9092, who: "the lab user, with session guests" },
])("an idle page on :$port ($who)", ({ port }) => {
    let b: Browser;
    beforeAll(async () => { b = await browserOpen() });
    afterAll(async () => { await b?.close() });

    it(`starts at most ${LIMIT} processes in ${WINDOW_MS / 1000} seconds`, async () => {
        const f = await shellOpen(b.page, { base: `http://127.0.0.1:${port}` });
        await f.waitForSelector("[data-page-status=ready]");
        // the session connection and the first thread read settle
        await f.waitForFunction(() => Number(document.querySelector("[data-refreshes]")?.getAttribute("data-refreshes")) >= 1);
        await sleep(THREADS_REFRESH_MS);
        const spawns = await bridgeSpawnsDuring(port, () => sleep(WINDOW_MS));
        expect(spawns).toBeGreaterThanOrEqual(Math.floor(WINDOW_MS / THREADS_REFRESH_MS) - 1); // it does read
        expect(spawns).toBeLessThanOrEqual(LIMIT);
    });
});

// Issue 19: opening the page reads every guest's definition once. libvirt-dbus's first report of who owns its bus
// name once counted as libvirt-dbus coming back, and the page read every guest a second time while it loaded.
// Counted on the websocket (the page's own counters are not the oracle), against virsh's lists.
describe("a page that opens on :9090", () => {
    let b: Browser;
    beforeAll(async () => { b = await browserOpen() });
    afterAll(async () => { await b?.close() });

    it("reads each guest's XML once, and a running persistent guest's saved XML once", async () => {
        const calls: string[] = [];
        b.page.on("websocket", ws => ws.on("framesent", f => {
            const m = /"call":\s*\["([^"]*)",\s*"org\.libvirt\.Domain",\s*"GetXMLDesc",\s*\[(\d+)\]/.exec(String(f.payload));
            if (m) calls.push(`${m[1]} ${m[2]}`);
        }));
        const f = await shellOpen(b.page);
        await f.waitForSelector("[data-page-status=ready]");
        await f.waitForFunction(() => Number(document.querySelector("[data-refreshes]")?.getAttribute("data-refreshes")) >= 1);
        // what a second load would have sent by now (it came 250 ms after the owner's report)
        await sleep(2000);
        const lines = (out: string) => out.split("\n").map(l => l.trim()).filter(Boolean);
        const all = lines(await virsh("list", "--all", "--name"));
        const runningPersistent = lines(await virsh("list", "--persistent", "--name"));
        expect(all.length).toBeGreaterThan(runningPersistent.length); // the lab has a shut-off and a transient guest
        expect(calls.filter(c => c.endsWith(" 0")).length).toBe(all.length);
        expect(calls.filter(c => c.endsWith(" 2")).length).toBe(runningPersistent.length);
        expect(new Set(calls).size).toBe(calls.length);
    });
});

// An open page asks libvirt the same things again and again (the state lists every 5 s, everything every 30 s).
// Cockpit 287's bridge keeps part of some replies for good: about 9 KiB of every GetAllDomainStats reply (the
// session's bridge grew by 16 MB an hour) and 1 KiB of every NodeGetMemoryStats one. What the page repeats may
// only be calls of which it keeps nothing (measured with bench/bridge-replies.py). Counted on the websocket.
describe("an open page on :9090, for 36 seconds", () => {
    const KEEP_NOTHING = ["ListDomains", "GetState", "GetXMLDesc"];
    let b: Browser;
    beforeAll(async () => { b = await browserOpen() });
    afterAll(async () => { await b?.close() });

    it(`repeats only calls the bridge keeps nothing of (${KEEP_NOTHING.join(", ")}), a whole re-read included`, async () => {
        let counting = false;
        const methods = new Map<string, number>();
        b.page.on("websocket", ws => ws.on("framesent", f => {
            const m = /"call":\s*\["[^"]*",\s*"org\.libvirt\.[A-Za-z]+",\s*"([A-Za-z]+)"/.exec(String(f.payload));
            if (m && counting) methods.set(m[1]!, (methods.get(m[1]!) ?? 0) + 1);
        }));
        const f = await shellOpen(b.page);
        await f.waitForSelector("[data-page-status=ready]");
        await f.waitForFunction(() => Number(document.querySelector("[data-refreshes]")?.getAttribute("data-refreshes")) >= 1);
        counting = true;
        await sleep(36000); // longer than the 30 s between whole re-reads
        counting = false;
        const seen = Object.fromEntries(methods);
        expect(seen.ListDomains, "the state lists, every 5 s").toBeGreaterThanOrEqual(6 * 3);
        expect(seen.GetXMLDesc, "a whole re-read").toBeGreaterThanOrEqual(1);
        expect([...methods.keys()].filter(m => !KEEP_NOTHING.includes(m)), JSON.stringify(seen)).toEqual([]);
    });
});
