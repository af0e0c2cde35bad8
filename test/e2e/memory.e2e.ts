// Issue 15, memory per node, on the local lab (one node): the page's per-node memory of each running demo guest
// against the test's own sum of /proc/PID/numa_maps (its own memory: pages times their size), within 5%.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen } from "../browser.mjs";
import type { Frame } from "playwright-core";
import { pageOpen, type Browser } from "./page";

let b: Browser;
let frame: Frame;

/** node -> KiB of the guest's own memory (anonymous, huge pages, memfd; not files from disk), from its numa_maps, read by the test */
function numaMaps(guest: string): Map<number, number> {
    const pid = readFileSync(`/run/libvirt/qemu/${guest}.pid`, "utf8").trim();
    const out = new Map<number, number>();
    for (const line of readFileSync(`/proc/${pid}/numa_maps`, "utf8").split("\n")) {
        if (!/ anon=| huge( |$)| file=\/(memfd:|dev\/shm\/)/.test(line)) continue;
        const size = Number(/ kernelpagesize_kB=(\d+)/.exec(line)?.[1] ?? 4);
        for (const m of line.matchAll(/ N(\d+)=(\d+)/g)) out.set(Number(m[1]), (out.get(Number(m[1])) ?? 0) + Number(m[2]) * size);
    }
    return out;
}

beforeAll(async () => {
    b = await browserOpen();
    frame = await pageOpen(b);
});
afterAll(async () => { await b?.close() });

describe("memory per node", () => {
    it("shows each running guest's resident memory per node as numa_maps has it, and 100% local on one node", async () => {
        for (const guest of ["demo-aligned", "demo-iothread"]) {
            const cell = frame.locator(`tr[data-guest="${guest}"] [data-testid=memory-cell]`);
            await cell.waitFor();
            await frame.waitForFunction(g => document.querySelector(`tr[data-guest="${g}"] [data-testid=memory-cell]`)?.getAttribute("data-kib"), guest, { timeout: 30000 });
            const shown = new Map((await cell.getAttribute("data-kib"))!.split(",").map(p => p.split(":").map(Number) as [number, number]));
            const truth = numaMaps(guest);
            expect([...shown.keys()], guest).toEqual([...truth.keys()]);
            for (const [node, kib] of truth) expect(Math.abs(shown.get(node)! - kib) / kib, `${guest} node ${node}`).toBeLessThan(0.05);
            expect(await cell.getAttribute("data-local")).toBe("100");
            expect(await cell.textContent()).toBe("memory: 100% local");
        }
        // the details say it per node
        await frame.click(`tr[data-guest="demo-aligned"] button[id^="threads"]`);
        expect(await frame.textContent(`tr[data-threads-of="demo-aligned"] [data-testid=memory-by-node]`)).toMatch(/^Memory \(the kernel's count\): node 0: \d+ MiB; numatune: any node\.$/);
    });
});
