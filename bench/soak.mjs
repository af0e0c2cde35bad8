// make bench's soak, behind BENCH_SOAK_MINUTES (0: skipped): both pages (or one, BENCH_SOAK_PAGES) open for that long on the local lab
// while guests start and stop and pins change with virsh every minute; each minute the JS heap (after a forced
// garbage collection) and the DOM nodes of each page, and the resident memory of the bridge and of libvirt-dbus.
// Writes bench/soak.json (or soak-page.json, soak-machines.json) after every sample (bench/report.mjs puts it in results.md): a soak cut short leaves
// the minutes it did, and says so ("minutes" done of "planned").
import fs from "node:fs";
import { bridgePids } from "../test/spawns.mjs";
import { browserLaunch, loadTimed } from "./load.mjs";
import { benchName, guestCounts, guestsRemove, guestsSet, log, runInfo, sleep, virsh } from "./lib.mjs";

const MINUTES = Number(process.env.BENCH_SOAK_MINUTES ?? 0);
const N = Number(process.env.BENCH_SOAK_N ?? 10);
// which pages are open: both (bench/soak.json), or one alone (bench/soak-page.json, bench/soak-machines.json), which
// tells whose calls the shared bridge keeps
const PAGES = [...new Set((process.env.BENCH_SOAK_PAGES ?? "page,machines").split(","))];
if (!PAGES.length || PAGES.some(w => !["page", "machines"].includes(w))) throw new Error(`BENCH_SOAK_PAGES: "page", "machines" or both, not ${process.env.BENCH_SOAK_PAGES}`);
const OUT = PAGES.length === 2 ? "bench/soak.json" : `bench/soak-${PAGES[0]}.json`;
const rss = pid => { try { return 1024 * Number(/^VmRSS:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) } catch { return 0 } };
const byComm = comm => fs.readdirSync("/proc").filter(d => /^\d+$/.test(d)).filter(d => {
    try { return fs.readFileSync(`/proc/${d}/comm`, "utf8").trim() === comm } catch { return false }
});

if (MINUTES > 0) {
    await guestsSet(N);
    const counts = await guestCounts(), want = counts.listed, info = runInfo();
    const browser = await browserLaunch();
    const samples = Object.fromEntries(PAGES.map(w => [w, []]));
    const save = minutes => fs.writeFileSync(OUT, JSON.stringify({ ...info, minutes, planned: MINUTES, guests: N, counts, ...samples }, null, 2) + "\n");
    try {
        const open = {};
        for (const who of PAGES) {
            const l = await loadTimed(browser, who, want);
            const page = l.context.pages()[0];
            open[who] = { frame: l.frame, cdp: await l.context.newCDPSession(page) };
        }
        for (let minute = 0; minute <= MINUTES; minute++) {
            for (const who of PAGES) {
                const { frame, cdp } = open[who];
                await cdp.send("HeapProfiler.collectGarbage");
                const heap = (await cdp.send("Runtime.getHeapUsage")).usedSize;
                const dom = await frame.evaluate(() => document.getElementsByTagName("*").length);
                samples[who].push({ minute, heap, dom, bridgeRss: bridgePids(9090).reduce((a, p) => a + rss(p), 0),
                                    dbusRss: byComm("libvirt-dbus").reduce((a, p) => a + rss(p), 0) });
            }
            save(minute);
            log(`soak minute ${minute}: ${PAGES.map(w => `${w} heap ${(samples[w].at(-1).heap / 1e6).toFixed(1)} MB`).join(", ")}, bridge ${(samples[PAGES[0]].at(-1).bridgeRss / 1e6).toFixed(1)} MB`);
            if (minute === MINUTES) break;
            // churn: a guest stops or starts, another one's emulator pin changes
            const g = benchName(1 + minute % N);
            if ((await virsh("domstate", g)).trim() === "running") await virsh("destroy", g);
            else await virsh("start", g);
            await virsh("emulatorpin", benchName(1 + (minute + 1) % N), minute % 2 ? "0" : "1", "--live").catch(() => null);
            await sleep(60000);
        }
    } finally {
        await browser.close();
        await guestsRemove();
    }
    log(`wrote ${OUT}`);
}
