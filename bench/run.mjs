// make bench: this page against cockpit-machines and the article's command line, on the local lab, with
// N running tiny guests (plus a few shut off). Writes bench/results.json and bench/results.md.
//   BENCH_N="1 10 30"  BENCH_REPS=5  BENCH_HEAP_MINUTES=10
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { browserOpen, COCKPIT, shellOpen } from "../test/browser.mjs";
import { bridgePids, bridgeSpawnsDuring } from "../test/spawns.mjs";

const run = promisify(execFile);
const NS = (process.env.BENCH_N ?? "1 10 30").split(/\s+/).map(Number);
const REPS = Number(process.env.BENCH_REPS ?? 5);
const HEAP_MINUTES = Number(process.env.BENCH_HEAP_MINUTES ?? 10);
const SHUTOFF = 3;
const virsh = (...a) => run("virsh", ["-q", "-c", "qemu:///system", ...a], { maxBuffer: 64 << 20 }).then(r => r.stdout);
const log = (...a) => console.log("bench:", ...a);
const stats = xs => {
    const s = [...xs].sort((a, b) => a - b);
    const mid = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    return { median: Math.round(mid), min: Math.round(s[0]), max: Math.round(s[s.length - 1]), runs: s.map(Math.round) };
};
const kvm = fs.existsSync("/dev/kvm") ? "kvm" : "qemu";
const benchName = i => `bench-${String(i).padStart(2, "0")}`;

function guestXml(name) {
    // vCPU on CPU 1, emulator on CPU 0: misaligned under the vcpus policy, which the align benchmark fixes
    return `<domain type='${kvm}'><name>${name}</name><memory unit='MiB'>64</memory><vcpu placement='static'>1</vcpu>
      <cputune><vcpupin vcpu='0' cpuset='1'/><emulatorpin cpuset='0'/></cputune>
      <os><type arch='x86_64' machine='pc'>hvm</type><bios rebootTimeout='-1'/></os>
      <devices><serial type='pty'/><memballoon model='none'/></devices></domain>`;
}

async function guestsSet(n) {
    const want = new Set(Array.from({ length: n + SHUTOFF }, (_, i) => benchName(i + 1)));
    const have = (await virsh("list", "--all", "--name")).split("\n").filter(x => x.startsWith("bench-"));
    for (const g of have) if (!want.has(g)) { await virsh("destroy", g).catch(() => null); await virsh("undefine", g) }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
    for (let i = 1; i <= n + SHUTOFF; i++) {
        const name = benchName(i);
        if (!have.includes(name)) {
            fs.writeFileSync(path.join(dir, "g.xml"), guestXml(name));
            await virsh("define", path.join(dir, "g.xml"));
        }
        const state = (await virsh("domstate", name)).trim();
        if (i <= n && state !== "running") await virsh("start", name);
        if (i > n && state === "running") await virsh("destroy", name);
    }
    fs.rmSync(dir, { recursive: true, force: true });
}

async function guestsReset(n) {
    for (let i = 1; i <= n + SHUTOFF; i++) {
        const name = benchName(i);
        if (i <= n) await virsh("emulatorpin", name, "0", "--live");
        await virsh("emulatorpin", name, "0", "--config");
    }
}

// Both pages are measured on their own URL (as the shell loads them in its iframe), without the shell around
// them, whose load is the same for both and would hide the difference.
const PAGE_URL = `${COCKPIT}/cockpit/@localhost/numa-placement/index.html#/?policy=vcpus`;
const MACHINES_URL = `${COCKPIT}/cockpit/@localhost/machines/index.html`;

async function pageLoad(b, n) {
    await b.page.goto("about:blank");
    const t0 = performance.now();
    await b.page.goto(PAGE_URL, { timeout: 120000 });
    const frame = b.page.mainFrame();
    await frame.waitForFunction(want => {
        const root = document.querySelector("[data-page-status=ready]");
        if (!root || Number(root.getAttribute("data-refreshes")) < 1) return false;
        const rows = document.querySelectorAll("[data-testid=guests] tr[data-guest][data-verdict]");
        return rows.length >= want;
    }, n + SHUTOFF, { timeout: 120000 });
    return { ms: performance.now() - t0, frame };
}

async function machinesLoad(b, total) {
    await b.page.goto("about:blank");
    const t0 = performance.now();
    await b.page.goto(MACHINES_URL, { timeout: 120000 });
    const frame = b.page.mainFrame();
    await frame.waitForFunction(want => document.querySelectorAll("#virtual-machines-listing [id^='vm-'][id$='-state']").length >= want,
                                total, { timeout: 120000 });
    return performance.now() - t0;
}

async function cliAudit() {
    const t0 = performance.now();
    await run("lscpu");
    const names = (await virsh("list", "--all", "--name")).split("\n").filter(Boolean);
    for (const name of names) {
        await virsh("vcpupin", name);
        await virsh("emulatorpin", name);
    }
    for (const name of (await virsh("list", "--name")).split("\n").filter(Boolean)) {
        const pid = fs.readFileSync(`/run/libvirt/qemu/${name}.pid`, "utf8").trim();
        for (const tid of fs.readdirSync(`/proc/${pid}/task`))
            await run("taskset", ["-pc", tid]);
    }
    return performance.now() - t0;
}

async function cliAlign(n) {
    const t0 = performance.now();
    for (let i = 1; i <= n + SHUTOFF; i++) {
        const name = benchName(i);
        if (i <= n) await virsh("emulatorpin", name, "1", "--live");
        await virsh("emulatorpin", name, "1", "--config");
    }
    return performance.now() - t0;
}

async function pageAlignAll(b, n) {
    const { frame } = await pageLoad(b, n);
    await frame.fill("[data-testid=name-filter] input", "bench-");
    await frame.waitForFunction(want => document.querySelector("[data-testid=align-all]")?.textContent?.includes(`(${want})`), n + SHUTOFF, { timeout: 60000 });
    const t0 = performance.now();
    await frame.click("[data-testid=align-all]");
    await frame.click("[data-testid=align-all-apply]");
    await frame.waitForFunction(() => {
        const rows = [...document.querySelectorAll("[data-testid=align-all-dialog] tr[data-guest]")];
        return rows.length > 0 && rows.every(r => !["pending"].includes(r.getAttribute("data-status") ?? "pending"));
    }, null, { timeout: 300000 });
    const ms = performance.now() - t0;
    const statuses = await frame.$$eval("[data-testid=align-all-dialog] tr[data-guest]", rs => rs.map(r => r.getAttribute("data-status")));
    return { ms, failed: statuses.filter(s => s === "failed").length };
}

/** Processes the bridge of PORT starts while the page sits open for SPAWN_WINDOW_S, counted from outside with
 *  strace (test/spawns.mjs): per refresh interval of the page (3 s). */
const SPAWN_WINDOW_S = 30;
async function spawnsOutside(b, port) {
    const frame = await shellOpen(b.page, { base: `http://127.0.0.1:${port}` });
    await frame.waitForSelector("[data-page-status=ready]");
    await frame.waitForFunction(() => Number(document.querySelector("[data-refreshes]")?.getAttribute("data-refreshes")) > 0, null, { timeout: 60000 });
    await new Promise(r => setTimeout(r, 3000));
    const spawns = await bridgeSpawnsDuring(port, () => new Promise(r => setTimeout(r, SPAWN_WINDOW_S * 1000)));
    return { spawns, seconds: SPAWN_WINDOW_S, perRefresh: spawns / (SPAWN_WINDOW_S / 3) };
}

async function heapGrowth(b, n) {
    const { frame } = await pageLoad(b, n);
    const cdp = await b.page.context().newCDPSession(b.page);
    const heap = async () => { await cdp.send("HeapProfiler.collectGarbage"); return (await cdp.send("Runtime.getHeapUsage")).usedSize };
    await new Promise(r => setTimeout(r, 15000));
    const start = await heap();
    const r0 = Number(await frame.getAttribute("[data-page-status]", "data-refreshes"));
    const s0 = Number(await frame.getAttribute("[data-page-status]", "data-spawns"));
    await new Promise(r => setTimeout(r, HEAP_MINUTES * 60000));
    const end = await heap();
    const r1 = Number(await frame.getAttribute("[data-page-status]", "data-refreshes"));
    const s1 = Number(await frame.getAttribute("[data-page-status]", "data-spawns"));
    return { start, end, growthPct: (end - start) / start * 100, refreshes: r1 - r0, spawns: s1 - s0, minutes: HEAP_MINUTES };
}

function gz(dir, names) {
    return names.reduce((sum, f) => sum + (fs.existsSync(path.join(dir, f)) ? fs.statSync(path.join(dir, f)).size : 0), 0);
}

const results = { machine: {}, n: {}, bundle: {}, heap: null, date: new Date().toISOString() };
results.machine = {
    cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(), debian: fs.readFileSync("/etc/debian_version", "utf8").trim(),
    cockpit: execFileSync("dpkg-query", ["-W", "-f=${Version}", "cockpit-ws"], { encoding: "utf8" }),
    machines: execFileSync("dpkg-query", ["-W", "-f=${Version}", "cockpit-machines"], { encoding: "utf8" }),
    libvirt: execFileSync("dpkg-query", ["-W", "-f=${Version}", "libvirt-daemon"], { encoding: "utf8" }),
    accel: kvm,
};
results.bundle = {
    pageGzKiB: gz("dist", ["index.js.gz", "index.css.gz"]) / 1024,
    machinesGzKiB: gz("/usr/share/cockpit/machines", ["index.js.gz", "index.css.gz"]) / 1024,
};

const b = await browserOpen();
await b.page.context().addInitScript(() => { try { localStorage.setItem("virtualization-disabled-ignored", "true") } catch { /* */ } });
try {
    for (const n of NS) {
        log(`N = ${n}: preparing guests`);
        await guestsSet(n);
        await guestsReset(n);
        const total = (await virsh("list", "--all", "--name")).split("\n").filter(Boolean).length;
        const page = [], machines = [], cli = [], calls = [];
        for (let r = 0; r < REPS; r++) {
            const { ms, frame } = await pageLoad(b, n);
            page.push(ms);
            calls.push(Number(await frame.getAttribute("[data-page-status]", "data-dbus-calls")));
            machines.push(await machinesLoad(b, total));
            cli.push(await cliAudit());
            log(`N = ${n} rep ${r + 1}: page ${Math.round(ms)} ms, machines ${Math.round(machines.at(-1))} ms, cli ${Math.round(cli.at(-1))} ms`);
        }
        const alignPage = [], alignCli = [];
        let alignFailures = 0;
        for (let r = 0; r < REPS; r++) {
            await guestsReset(n);
            const a = await pageAlignAll(b, n);
            alignPage.push(a.ms);
            alignFailures += a.failed;
            await guestsReset(n);
            alignCli.push(await cliAlign(n));
            log(`N = ${n} align rep ${r + 1}: page ${Math.round(a.ms)} ms, cli ${Math.round(alignCli.at(-1))} ms`);
        }
        await guestsReset(n);
        results.n[n] = {
            guestsListed: total, page: stats(page), machines: stats(machines), cli: stats(cli),
            alignAllPage: stats(alignPage), alignCliLoop: stats(alignCli), alignFailures,
            dbusCallsAtReady: stats(calls).median,
        };
    }
    const nMax = Math.max(...NS), nMin = Math.min(...NS);
    if (nMax > nMin)
        results.dbusCallsPerGuest = (results.n[nMax].dbusCallsAtReady - results.n[nMin].dbusCallsAtReady) / (nMax - nMin);
    results.spawnsOutside = {};
    for (const [who, port] of [["root", 9090], ["lab user", 9092]]) {
        if (!bridgePids(port).length) continue;
        results.spawnsOutside[who] = await spawnsOutside(b, port);
        log(`spawns from outside, ${who}: ${results.spawnsOutside[who].spawns} in ${SPAWN_WINDOW_S} s`);
    }
    if (HEAP_MINUTES > 0) {
        log(`heap: ${HEAP_MINUTES} minutes of periodic refresh at N = ${nMax}`);
        results.heap = await heapGrowth(b, nMax);
    }
} finally {
    await b.close();
}

fs.writeFileSync("bench/results.json", JSON.stringify(results, null, 2) + "\n");
const nMax = Math.max(...NS);
const f = s => `${s.median} (${s.min}–${s.max})`;
let md = `# Benchmark results\n\nMeasured by \`make bench\` (bench/run.mjs) on ${results.date.slice(0, 10)}: ${results.machine.cpus} CPUs (${results.machine.model}), ` +
    `${results.machine.memoryGiB} GiB, Debian ${results.machine.debian}, kernel ${results.machine.kernel}; Cockpit ${results.machine.cockpit}, ` +
    `cockpit-machines ${results.machine.machines}, libvirt ${results.machine.libvirt}; guests are ${results.machine.accel === "kvm" ? "KVM" : "TCG"}, 64 MiB, disk-less, ` +
    `with ${SHUTOFF} more shut off (plus the lab's demo guests, when up). ${REPS} repetitions each; times in ms, median (min–max). ` +
    `Pages are timed from navigation to their full list (ours: every guest with its verdict and a first /proc read; cockpit-machines: every guest's state), ` +
    `each on its own URL without the shell around it; the command-line audit is \`lscpu\`, \`virsh vcpupin\` and \`virsh emulatorpin\` per guest, then \`taskset -pc\` per thread of every running guest.\n\n` +
    `| N running | this page: full table | cockpit-machines: list | command-line audit | Align all (page) | virsh loop --live/--config |\n|---|---|---|---|---|---|\n`;
for (const n of NS) {
    const r = results.n[n];
    md += `| ${n} | ${f(r.page)} | ${f(r.machines)} | ${f(r.cli)} | ${f(r.alignAllPage)} | ${f(r.alignCliLoop)} |\n`;
}
const top = results.n[nMax];
const ok = (c, t) => c ? `met (${t})` : `**missed** (${t})`;
md += `\n## Targets\n\n` +
    `- Page ready at N = ${nMax} in at most half of cockpit-machines' time: ${ok(top.page.median <= top.machines.median / 2, `${top.page.median} vs ${top.machines.median} ms`)}\n` +
    `- ... and a third of the command-line audit's: ${ok(top.page.median <= top.cli.median / 3, `${top.page.median} vs ${top.cli.median} ms`)}\n` +
    Object.entries(results.spawnsOutside ?? {}).map(([who, r]) =>
        `- At most one spawn per refresh, counted from outside the page (strace on the bridge), as ${who}: ${ok(r.perRefresh <= 1.1, `${r.spawns} processes in ${r.seconds} s, ${r.perRefresh.toFixed(2)} per 3-s refresh`)}\n`).join("") +
    `- Bundle at most 300 KiB gzipped: ${ok(results.bundle.pageGzKiB <= 300, `${results.bundle.pageGzKiB.toFixed(0)} KiB JS+CSS; cockpit-machines ${results.bundle.machinesGzKiB.toFixed(0)} KiB`)}\n` +
    (results.heap ? `- JS heap growth under 10% after ${results.heap.minutes} min of periodic refresh: ${ok(results.heap.growthPct < 10, `${(results.heap.start / 1e6).toFixed(1)} MB → ${(results.heap.end / 1e6).toFixed(1)} MB, ${results.heap.growthPct.toFixed(1)}%`)}\n` : "") +
    (results.dbusCallsPerGuest !== undefined ? `- D-Bus calls per additional guest for a full read: ${results.dbusCallsPerGuest.toFixed(2)} (one GetXMLDesc, two for a running persistent guest)\n` : "") +
    `- Align-all failures: ${NS.map(n => `N = ${n}: ${results.n[n].alignFailures}`).join(", ")}\n`;
fs.writeFileSync("bench/results.md", md);
log("wrote bench/results.md and bench/results.json");
