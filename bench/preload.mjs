// What the Cockpit shell's preloaded pages cost a page a user opens. When the shell starts it loads the System
// package's Overview and Services pages (that package's manifest: "preload") in hidden frames of the same renderer:
// their scripts run on the one main thread that every frame shares, and every message a frame sends passes through
// the shell on that thread before it reaches the websocket. So no page, however small, can send its first message
// before they have run. This loads both pages as run.mjs does (the shell URL, a fresh browser context) at one bench
// guest, with the shell as installed and with its preloads turned off by a manifest override
// (/etc/cockpit/systemd.override.json, {"preload": null}, cockpit-ws restarted for each), in alternating blocks:
// the difference is the shell's, the same for any page. Writes bench/preload.json.
// Leaves the host as found: it does not run when that override file exists already, and removes its own.
//   BENCH_PRELOAD_REPS=8 (kept loads of each page per condition, in two blocks, each after a warm-up load)
import fs from "node:fs";
import { browserLaunch, loadTimed } from "./load.mjs";
import { guestCounts, guestsRemove, guestsReset, guestsSet, log, run, runInfo, settle, stats } from "./lib.mjs";

const REPS = Number(process.env.BENCH_PRELOAD_REPS ?? 8);
const OVERRIDE = "/etc/cockpit/systemd.override.json";
const N = 1;

// the lab's cockpit-ws (and its bridge, which reads the manifests when it starts) started again
const cockpitRestart = () => run("bash", ["-c", "source test/lab/common.sh && stop_recorded keepalive && stop_recorded cockpit-ws group && bash test/lab/up.sh"],
                                 { timeout: 300000 });

async function preloads(on) {
    if (on) fs.rmSync(OVERRIDE, { force: true });
    else fs.writeFileSync(OVERRIDE, '{ "preload": null }\n');
    await cockpitRestart();
}

if (fs.existsSync(OVERRIDE)) {
    log(`${OVERRIDE} exists: this host's own override is left alone, and the shell's preloads are not measured`);
    process.exit(0);
}
process.on("SIGINT", () => { fs.rmSync(OVERRIDE, { force: true }); process.exit(130) });

await guestsSet(N);
await guestsReset(N);
await settle();
const counts = await guestCounts();
const want = counts.listed;
const s = { on: { page: [], machines: [] }, off: { page: [], machines: [] } };
const browser = await browserLaunch();
try {
    // on, off, on, off: a block of REPS / 2 loads of each page, after one of each not kept (the shell's files and
    // the bridge are fresh after the restart)
    for (let block = 0; block < 4; block++) {
        const cond = block % 2 === 0 ? "on" : "off";
        await preloads(cond === "on");
        for (let rep = -1; rep < Math.ceil(REPS / 2); rep++) {
            for (const who of rep % 2 ? ["page", "machines"] : ["machines", "page"]) {
                const load = await loadTimed(browser, who, want);
                await load.context.close();
                if (rep >= 0) s[cond][who].push(load.ms);
            }
        }
        log(`preloads ${cond}, block ${block + 1} of 4: page ${s[cond].page.at(-1).ready} ms, machines ${s[cond].machines.at(-1).ready} ms`);
    }
} finally {
    await browser.close();
    if (fs.existsSync(OVERRIDE)) await preloads(true);
    await guestsRemove();
}

const of = xs => ({ ready: stats(xs.map(x => x.ready)), ownStart: stats(xs.map(x => x.ownStart)), own: stats(xs.map(x => x.ready - x.ownStart)) });
fs.writeFileSync("bench/preload.json", JSON.stringify({
    ...runInfo(),
    guests: { benchRunning: N, benchShutoff: 3, ...counts }, reps: REPS, override: OVERRIDE,
    on: { page: of(s.on.page), machines: of(s.on.machines) }, off: { page: of(s.off.page), machines: of(s.off.machines) },
}, null, 2) + "\n");
log("wrote bench/preload.json");
