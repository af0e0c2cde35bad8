// Issue 15 on the local lab (one node): the page's per-node memory of each running demo guest against the test's own
// sum of /proc/PID/numa_maps (its own memory: pages times their size), within 5%; each thread's CPU time and last
// CPU against /proc/PID/task/TID/stat read just before and after the page's reads; free memory, huge pages and NICs per node
// (issue 17) against /sys.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen } from "../browser.mjs";
import type { Frame } from "playwright-core";
import { pageOpen, type Browser } from "./page";
import { sleep } from "./host";

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

/** tid -> [utime + stime, last CPU, allowed CPUs] of a guest's threads, from /proc (fields after the last ") ") */
function stats(guest: string): Map<number, { ticks: number; cpu: number; allowed: string }> {
    const pid = readFileSync(`/run/libvirt/qemu/${guest}.pid`, "utf8").trim();
    const out = new Map<number, { ticks: number; cpu: number; allowed: string }>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
        const f = stat.slice(stat.lastIndexOf(") ") + 2).trim().split(" ");
        const allowed = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8"))![1]!;
        out.set(Number(tid), { ticks: Number(f[11]) + Number(f[12]), cpu: Number(f[36]), allowed });
    }
    return out;
}

const refreshes = async () => Number(await frame.getAttribute("[data-page-status]", "data-refreshes"));

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
            expect(await cell.textContent()).toBe("100% local");
        }
        // selected, the guest's memory is a bar in its node of the map
        await frame.click(`tr[data-guest="demo-aligned"] td[data-label="Name"]`);
        const bar = await frame.waitForSelector("[data-testid=host-map] [data-node='0'] [data-testid=map-memory]");
        const truth = numaMaps("demo-aligned").get(0)!;
        expect(Math.abs(Number(await bar.getAttribute("data-kib")) - truth) / truth).toBeLessThan(0.05);
        expect(await bar.textContent()).toMatch(/^memory of demo-aligned: \d+ MiB \(100%\)$/);
        // the details say it per node
        await frame.click(`tr[data-guest="demo-aligned"] button[id^="threads"]`);
        expect(await frame.textContent(`tr[data-threads-of="demo-aligned"] [data-testid=memory-by-node]`)).toMatch(/^Memory \(the kernel's count\): node 0: \d+ MiB; numatune: any node\.$/);
    });

    it("shows each thread's CPU time and the CPU it last ran on as /proc has them, and where each group ran", async () => {
        const guest = "demo-aligned";
        const threads = `tr[data-threads-of="${guest}"] tr[data-tid]`;
        if (!await frame.isVisible(threads)) await frame.click(`tr[data-guest="${guest}"] button[id^="threads"]`);
        const before = stats(guest);
        // three more reads: the last two (the CPU % between them) both began after "before"
        const start = await refreshes();
        await frame.waitForFunction(n => Number(document.querySelector("[data-page-status]")?.getAttribute("data-refreshes")) >= n, start + 3, { timeout: 60000 });
        const shown = await frame.$$eval(threads, rows => rows.map(r => ({
            tid: Number(r.getAttribute("data-tid")), ticks: r.getAttribute("data-ticks"), cpu: r.getAttribute("data-last-cpu"), percent: r.getAttribute("data-cpu-percent"),
            text: [...r.querySelectorAll("td")].slice(-2).map(td => td.textContent),
        })));
        const after = stats(guest);
        // QEMU starts and ends worker threads now and then: those that lived throughout must all be shown
        const throughout = [...after.keys()].filter(tid => before.has(tid));
        expect(throughout.filter(tid => !shown.some(t => t.tid === tid))).toEqual([]);
        for (const t of shown) {
            const b0 = before.get(t.tid), a1 = after.get(t.tid);
            if (!b0 || !a1) continue;
            expect(Number(t.ticks), `thread ${t.tid}: CPU time between two reads of /proc`).toBeGreaterThanOrEqual(b0.ticks);
            expect(Number(t.ticks), `thread ${t.tid}`).toBeLessThanOrEqual(a1.ticks);
            // a thread pinned to one CPU last ran there; any other on one of its CPUs
            if (/^\d+$/.test(a1.allowed)) expect(t.cpu, `thread ${t.tid}`).toBe(a1.allowed);
            else expect(["0", "1"], `thread ${t.tid}`).toContain(t.cpu);
            expect(t.text[1]).toBe(`CPU ${t.cpu} (node 0)`);
            // a thread that used no CPU time at all meanwhile shows 0%
            expect(t.percent, `thread ${t.tid}`).not.toBe("");
            if (a1.ticks === b0.ticks) expect([t.percent, t.text[0]]).toEqual(["0", "0%"]);
            else expect(Number(t.percent)).toBeGreaterThanOrEqual(0);
        }
        // demo-aligned's vCPUs and emulator threads are all pinned to CPU 1, on the lab's one node
        expect(await frame.textContent(`tr[data-threads-of="${guest}"] [data-testid=run-shares]`))
            .toMatch(/^Where they last ran, sampled at each read over the last \d+ s: vCPUs: 100% on node 0; emulator threads: 100% on node 0\.$/);
    });

    it("shows each node's allocation counters as /sys has them, with their rates", async () => {
        await frame.click("[data-testid=allocations] button");
        const row = "[data-testid=allocations] tr[data-numastat-node='0']";
        await frame.waitForSelector(row);
        const sys = () => Object.fromEntries(readFileSync("/sys/devices/system/node/node0/numastat", "utf8").trim().split("\n").map(l => l.split(" ")).map(([k, v]) => [k, Number(v)]));
        const before = sys();
        const start = await refreshes();
        await frame.waitForFunction(n => Number(document.querySelector("[data-page-status]")?.getAttribute("data-refreshes")) >= n, start + 2, { timeout: 60000 });
        const shown = await frame.$eval(row, tr => ["hit", "miss", "foreign", "other"].map(k => Number(tr.getAttribute(`data-${k}`))));
        const after = sys();
        ["numa_hit", "numa_miss", "numa_foreign", "other_node"].forEach((k, i) => {
            expect(shown[i], k).toBeGreaterThanOrEqual(before[k]!);
            expect(shown[i], k).toBeLessThanOrEqual(after[k]!);
        });
        // a rate per counter once two reads are in (this host allocates pages all the time)
        const rate = await frame.getAttribute(`${row} td[data-rate]`, "data-rate");
        expect(Number(rate)).toBeGreaterThanOrEqual(0);
        // (the text and its number from one render)
        const [value, text] = await frame.$eval(`${row} td[data-rate]`, td => [td.getAttribute("data-rate"), td.textContent]);
        expect(text, `rate ${value}`).toMatch(/\d(\.\d)?k? pages\/s$/);
    });

    it("shows node 0's free memory as the kernel counts it, and follows it within seconds: 128 MiB taken by huge pages, then given back", async () => {
        const dir = "/sys/devices/system/node/node0";
        const memFree = () => Number(/^Node 0 MemFree:\s+(\d+) kB$/m.exec(readFileSync(`${dir}/meminfo`, "utf8"))![1]);
        const shown = async () => Number(await frame.getAttribute("[data-node='0'] [data-free-kib]", "data-free-kib") || NaN);
        // Free memory moves all the time (make check builds the NUMA lab's image meanwhile), and the page reads it
        // every few seconds: the test reads the kernel's count every 200 ms from the moment given, until the page
        // shows a count within 8 MiB of one of those (at most 30 s)
        const follows = async (what: string) => {
            const seen: number[] = [];
            for (const end = Date.now() + 30000; Date.now() < end; await sleep(200)) {
                seen.push(memFree());
                const page = await shown();
                if (seen.some(k => Math.abs(k - page) <= 8 * 1024)) return page;
            }
            throw new Error(`${what}: the page shows ${await shown()} KiB free on node 0, the kernel counted ${Math.min(...seen)} to ${Math.max(...seen)} KiB`);
        };
        await follows("at first");
        const reserve = (n: number) => writeFileSync(`${dir}/hugepages/hugepages-2048kB/nr_hugepages`, String(n));
        const was = Number(readFileSync(`${dir}/hugepages/hugepages-2048kB/nr_hugepages`, "utf8"));
        reserve(was + 64);
        try {
            // (the kernel may find fewer free 2 MiB blocks than asked for; the kernel's free count itself also moves
            // with the rest of the machine, so it is not compared with the count before)
            const got = Number(readFileSync(`${dir}/hugepages/hugepages-2048kB/nr_hugepages`, "utf8")) - was;
            expect(got, "2 MiB huge pages the kernel reserved").toBeGreaterThanOrEqual(48);
            // (counts from after the reservation only: at least 96 MiB from any count before it)
            await follows("with 128 MiB in huge pages");
            expect(await frame.textContent("[data-node='0'] [data-free-kib]")).toMatch(/ of .* free$/);
        } finally {
            reserve(was);
        }
        await follows("given back");
    });

    it("shows each node's huge pages of each size as /sys has them: four 2 MiB pages reserved for the test, then none", async () => {
        const dir = "/sys/devices/system/node/node0/hugepages";
        const sys = () => readdirSync(dir).map(d => [Number(/^hugepages-(\d+)kB$/.exec(d)![1]), ...["nr_hugepages", "free_hugepages"].map(f => Number(readFileSync(`${dir}/${d}/${f}`, "utf8")))])
            .sort((a, b) => a[0]! - b[0]!).map(h => h.join(":")).join(",");
        const shown = () => frame.getAttribute("[data-node='0'] [data-testid=map-hugepages]", "data-hugepages");
        const reserve = (n: number) => writeFileSync(`${dir}/hugepages-2048kB/nr_hugepages`, String(n));
        const was = Number(readFileSync(`${dir}/hugepages-2048kB/nr_hugepages`, "utf8"));
        reserve(was + 4);
        try {
            const truth = sys();
            expect(truth).toMatch(new RegExp(`(^|,)2048:${was + 4}:`));
            await frame.waitForFunction(([sel, t]) => document.querySelector(sel!)?.getAttribute("data-hugepages") === t,
                                        ["[data-node='0'] [data-testid=map-hugepages]", truth], { timeout: 30000 });
            expect(await frame.textContent("[data-node='0'] [data-testid=map-hugepages]")).toContain(`2 MiB huge pages: ${truth.match(/2048:\d+:(\d+)/)![1]} of ${was + 4} free`);
        } finally {
            reserve(was);
        }
        const truth = sys();
        await frame.waitForFunction(([sel, t]) => document.querySelector(sel!)?.getAttribute("data-hugepages") === t,
                                    ["[data-node='0'] [data-testid=map-hugepages]", truth], { timeout: 30000 });
        expect(await shown()).toBe(truth);
    });

    it("lists the host's NICs on the node /sys gives their PCI device, and those it gives none apart", async () => {
        // from each PCI device to its interfaces (the reader goes the other way), a virtio NIC's under its virtio device
        const truth = new Map<string, string[]>();
        for (const bdf of readdirSync("/sys/bus/pci/devices")) {
            const dir = `/sys/bus/pci/devices/${bdf}`;
            const node = readFileSync(`${dir}/numa_node`, "utf8").trim();
            const nets = [`${dir}/net`, ...readdirSync(dir).filter(d => /^virtio\d+$/.test(d)).map(d => `${dir}/${d}/net`)]
                .flatMap(n => { try { return readdirSync(n) } catch { return [] } });
            if (nets.length) truth.set(node, [...(truth.get(node) ?? []), ...nets].sort());
        }
        expect(truth.size, "this machine has a NIC").toBeGreaterThan(0);
        const unknown = truth.get("-1") ?? [];
        if (unknown.length) expect((await frame.getAttribute("[data-testid=map-nics-unknown]", "data-nics", { timeout: 30000 }))!.split(",").sort()).toEqual(unknown);
        for (const [node, nics] of truth) {
            if (node === "-1") continue;
            expect((await frame.getAttribute(`[data-node='${node}'] [data-testid=map-nics]`, "data-nics", { timeout: 30000 }))!.split(",").sort()).toEqual(nics);
        }
    });
});
