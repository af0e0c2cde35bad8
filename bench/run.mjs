// make bench: this page against cockpit-machines and the article's command line on the local lab, at N running
// bench guests of 2 vCPUs (plus 3 shut off, plus the lab's demo guests: all counted in every label), as a skeptic
// would run it: both pages loaded through the Cockpit shell's URL in a fresh browser context (and reloaded warm),
// the contenders interleaved in a rotated order, warm-ups discarded, repetitions dropped (and counted) when the
// machine was busy with something else before them (more than LOAD_MAX above the idle guests' own load), the
// websocket counted from outside. Writes
// bench/results.json; bench/report.mjs makes bench/results.md from it.
//   BENCH_N="1 10 30 60"  BENCH_REPS=15  BENCH_WARMUP=2  BENCH_ALIGN_REPS=5  BENCH_LOAD_MAX=0.25
import fs from "node:fs";
import os from "node:os";
import { createRequire } from "node:module";
import { cliAlignLoop, cliAlignSession, cliAudit, alignVerified } from "./cli.mjs";
import { browserLaunch, loadTimed } from "./load.mjs";
import { guestCounts, guestsRemove, guestsReset, guestsSet, log, quiet, runInfo, settle, stats, version } from "./lib.mjs";

const NS = (process.env.BENCH_N ?? "1 10 30 60").split(/\s+/).map(Number);
const REPS = Number(process.env.BENCH_REPS ?? 15);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const ALIGN_REPS = Number(process.env.BENCH_ALIGN_REPS ?? 5);
const LOAD_MAX = Number(process.env.BENCH_LOAD_MAX ?? 0.25);
const rotate = (xs, k) => xs.map((_, i) => xs[(i + k) % xs.length]);
const pkg = name => version(["dpkg-query", "-W", "-f=${Version}", name]);

/** the page's Align all over the bench guests, from the click to every row's outcome; then the system's check */
async function pageAlignAll(browser, n, want) {
    const load = await loadTimed(browser, "page", want);
    const { frame } = load;
    try {
        await frame.fill("[data-testid=name-filter] input", "bench-");
        await frame.waitForFunction(k => document.querySelector("[data-testid=align-all]")?.textContent?.includes(`(${k})`), n + 3, { timeout: 60000 });
        const t0 = performance.now();
        await frame.click("[data-testid=align-all]");
        await frame.click("[data-testid=align-all-apply]");
        await frame.waitForFunction(() => {
            const rows = [...document.querySelectorAll("[data-testid=align-all-dialog] tr[data-guest]")];
            return rows.length > 0 && rows.every(r => (r.getAttribute("data-status") ?? "pending") !== "pending");
        }, null, { timeout: 600000 });
        const ms = performance.now() - t0;
        const statuses = await frame.$$eval("[data-testid=align-all-dialog] tr[data-guest]", rs => rs.map(r => r.getAttribute("data-status")));
        const v = await alignVerified(n);
        // the page's own word counts too: a row "applied, not verified" is a failure even when the system agrees
        const notOk = statuses.filter(s => s !== "verified" && s !== "applied").length;
        return { ms, verified: v.verified, failed: Math.max(v.failed, notOk), pageStatuses: statuses };
    } finally {
        await load.context.close();
    }
}

async function measureN(browser, n) {
    log(`N = ${n}: guests`);
    await guestsSet(n);
    await guestsReset(n);
    // firmware done, guests idle: the guests' own idle load is part of what is measured (the same for all three):
    // what counts as other work is load above it (37 idle guests kept about a sixth of this machine busy)
    const settled = await settle();
    const idle = Math.round(100 * settled.load); // percent
    const threshold = Math.min(0.95, idle / 100 + LOAD_MAX);
    await quiet(threshold);
    const counts = await guestCounts();
    const want = counts.listed;
    const s = { page: { fresh: [], warm: [], firstRow: [], alignEnabled: [], ownStart: [], own: [], ws: [] },
                machines: { fresh: [], warm: [], ownStart: [], own: [], ws: [] }, cli: [], load: [], dropped: 0 };
    for (let rep = 0; rep < WARMUP + REPS; rep++) {
        for (const who of rotate(["page", "machines", "cli"], rep)) {
            const load = await quiet(threshold);
            let sample;
            if (who === "cli") sample = { ms: await cliAudit() };
            else {
                const fresh = await loadTimed(browser, who, want);
                const warm = await loadTimed(browser, who, want, { context: fresh.context });
                await fresh.context.close();
                sample = { fresh, warm };
            }
            if (rep < WARMUP) continue;
            s.load.push(load);
            if (load >= threshold) { s.dropped++; continue }
            if (who === "cli") s.cli.push(sample.ms);
            else {
                s[who].fresh.push(sample.fresh.ms.ready);
                s[who].warm.push(sample.warm.ms.ready);
                s[who].ws.push(sample.fresh.ws);
                // the shell's part (until the page's first message) and the page's own (from it until ready)
                s[who].ownStart.push(sample.fresh.ms.ownStart);
                s[who].own.push(sample.fresh.ms.ready - sample.fresh.ms.ownStart);
                if (who === "page") {
                    s.page.firstRow.push(sample.fresh.ms.firstRow);
                    s.page.alignEnabled.push(sample.fresh.ms.alignEnabled);
                }
            }
        }
        log(`N = ${n} rep ${rep + 1 - WARMUP}: page ${s.page.fresh.at(-1)} ms, machines ${s.machines.fresh.at(-1)} ms, cli ${Math.round(s.cli.at(-1) ?? 0)} ms`);
    }
    const align = { page: [], loop: [], session: [] };
    for (let rep = 0; rep < 1 + ALIGN_REPS; rep++) {
        for (const who of rotate(["page", "loop", "session"], rep)) {
            await guestsReset(n);
            await quiet(threshold);
            const r = who === "page" ? await pageAlignAll(browser, n, want) : who === "loop" ? await cliAlignLoop(n) : await cliAlignSession(n);
            if (rep > 0) align[who].push(r);
        }
        log(`N = ${n} align rep ${rep}: page ${Math.round(align.page.at(-1)?.ms ?? 0)} ms, loop ${Math.round(align.loop.at(-1)?.ms ?? 0)} ms, session ${Math.round(align.session.at(-1)?.ms ?? 0)} ms`);
    }
    await guestsReset(n);
    // the websocket counts of the kept fresh loads: medians, and the last load's calls per method
    const wsOf = xs => ({ ...Object.fromEntries(["frames", "bytes", "dbusCalls", "spawns"].map(k => [k, stats(xs.map(x => x[k])).median])),
                          methodsLast: xs.at(-1)?.methods ?? {} });
    const alignOf = xs => ({ ...stats(xs.map(x => x.ms)), failures: xs.reduce((a, x) => a + x.failed, 0), checked: xs.reduce((a, x) => a + x.verified + x.failed, 0) });
    return {
        guests: { benchRunning: n, benchShutoff: 3, ...counts }, reps: REPS, warmup: WARMUP, dropped: s.dropped,
        loadBefore: { idle, settleSeconds: settled.seconds, threshold: Math.round(100 * threshold), median: stats(s.load.map(l => 100 * l)).median, max: Math.round(100 * Math.max(...s.load)) },
        page: { fresh: stats(s.page.fresh), warm: stats(s.page.warm), firstRow: stats(s.page.firstRow), alignEnabled: stats(s.page.alignEnabled),
                ownStart: stats(s.page.ownStart), own: stats(s.page.own), ws: wsOf(s.page.ws) },
        machines: { fresh: stats(s.machines.fresh), warm: stats(s.machines.warm), ownStart: stats(s.machines.ownStart), own: stats(s.machines.own),
                    ws: wsOf(s.machines.ws) },
        cli: stats(s.cli),
        align: { page: alignOf(align.page), loop: alignOf(align.loop), session: alignOf(align.session) },
    };
}

const require = createRequire(import.meta.url);
const gzKiB = (dir, names) => Math.round(names.reduce((a, f) => a + (fs.existsSync(`${dir}/${f}`) ? fs.statSync(`${dir}/${f}`).size : 0), 0) / 1024);
const { date, commit, accel, machine } = runInfo();
const results = {
    date, commit,
    machine: {
        ...machine, memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        debian: fs.readFileSync("/etc/debian_version", "utf8").trim(), accel,
        cockpit: pkg("cockpit-ws"), machines: pkg("cockpit-machines"), libvirt: pkg("libvirt-daemon"),
        chromium: version([process.env.CHROMIUM ?? "/usr/bin/chromium", "--version"]), playwright: require("playwright-core/package.json").version,
    },
    bundle: { pageGzKiB: gzKiB("dist", ["index.js.gz", "index.css.gz"]), machinesGzKiB: gzKiB("/usr/share/cockpit/machines", ["index.js.gz", "index.css.gz"]) },
    settings: { reps: REPS, warmup: WARMUP, alignReps: ALIGN_REPS, loadMax: LOAD_MAX, via: "the shell URL (/numa-placement#/?policy=vcpus, /machines)" },
    n: {},
};
const browser = await browserLaunch();
try {
    for (const n of NS) results.n[n] = await measureN(browser, n);
} finally {
    await browser.close();
    await guestsRemove();
}
fs.writeFileSync("bench/results.json", JSON.stringify(results, null, 2) + "\n");
log("wrote bench/results.json");
