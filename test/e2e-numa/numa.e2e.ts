// The article's 4-node host (the NUMA lab), through Cockpit's real login; the truth is read over ssh inside
// the lab. The read-only user goes first, while the lab is quiet; then one administrator session serves the
// other tests in order (a login under emulation costs one to three minutes).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen, shellOpen } from "../browser.mjs";
import { ADMIN, BASE, MEMORY_GUEST_START, VIEWER, cpusetMode, labCpuNodes, labEmulatorThreads, labGeneration, labGuests, labGuestsAdd, labMemory, labNodes, labPins, labSsh, labVhost, labVhosts, memoryAwayShown, total } from "./lab";
import type { Frame, Page } from "playwright-core";
import { tooltipWith, undoFromToast } from "../e2e/page";
import { expandGuest, hugePagesCheck, ioPathCheck } from "./io";
import { moveMemoryCleanup, moveRefusedBound, moveRefusedNoRoom } from "./memory";
import { playbookArticleCheck, playbookExport } from "./ansible";
import { reportCheck } from "./report";
import { cpusetFormat } from "../../src/model/cpuset";

// the generation the lab runs (make numa-lab NUMA_LAB_DEBIAN=12 or 13), checked against the lab itself; make check
// runs the whole suite on one generation and, with NUMA_LAB_SUITE=small, the tests through "both" on the other
const GENERATION = Number(process.env.NUMA_LAB_DEBIAN ?? 12);
const SMALL = process.env.NUMA_LAB_SUITE === "small";
const both = it;
const whole = SMALL ? it.skip : it;

type Browser = { page: Page; close(): Promise<void> };
const ARTICLE = "1,3,5,7,9,11";
let b: Browser, frame: Frame, playbook: string;

const expand = (guest: string) => expandGuest(frame, guest);

describe("limited access", () => {
    both("shows the user without sudo the page read-only, guests included, actions disabled with the reason", async () => {
        const v: Browser = await browserOpen();
        try {
            const f = await shellOpen(v.page, { base: BASE, user: VIEWER.user, password: VIEWER.password, timeout: 300000 });
            await f.waitForSelector("[data-page-status=ready]", { timeout: 300000 });
            expect(await f.getAttribute("[data-page-status]", "data-access")).toBe("limited");
            expect(await f.textContent("[data-testid=limited-access]")).toContain("read-only");
            expect(await f.locator("[data-testid=guests] tr[data-guest='rhel64']").count()).toBe(1);
            expect(await f.getAttribute("tr[data-guest=rhel64] [data-testid=align]", "data-enabled")).toBe("false");
            expect(await f.getAttribute("tr[data-guest=rhel64] [data-testid=align]", "aria-disabled")).toBe("true");
        } finally {
            await v.close();
        }
    });
});

describe("the article's host", () => {
    beforeAll(async () => {
        // the guests "Plan the host" adds, defined while the lab is quiet (before a page polls it): every command
        // inside the lab takes ten times longer once the page is open there
        expect(await labGeneration(), "the lab's Debian release").toBe(GENERATION);
        if (!SMALL) await labGuestsAdd();
        b = await browserOpen();
        // the lab is an emulated machine: every action may wait minutes when it is busy
        b.page.setDefaultTimeout(180000);
        frame = await shellOpen(b.page, { base: BASE, user: ADMIN.user, password: ADMIN.password, admin: true, timeout: 300000 });
        await frame.waitForSelector("[data-page-status=ready]", { timeout: 300000 });
    });
    afterAll(async () => { await b?.close() });
    both("shows the four nodes with the article's CPU lists, as lscpu inside the lab has them", async () => {
        const truth = await labNodes();
        expect([...truth.values()]).toEqual(["0,2,4,6,8,10", "12,14,16,18,20,22", "13,15,17,19,21,23", "1,3,5,7,9,11"]);
        const shown = await frame.$$eval("[data-testid=host-map] [data-node]", els =>
            els.map(e => [Number(e.getAttribute("data-node")), e.getAttribute("data-cpus")] as [number, string]));
        const expand = (s: string) => s.split(",").flatMap(p => {
            const [a, z] = p.split("-").map(Number);
            return z === undefined ? [a!] : Array.from({ length: z - a! + 1 }, (_, i) => a! + i);
        }).join(",");
        expect(new Map(shown.map(([n, c]) => [n, expand(c)]))).toEqual(truth);
    });

    both("lists every guest with its state (virsh), and the verdict its definition gives", async () => {
        expect(await frame.getAttribute("[data-page-status]", "data-access")).toBe("admin");
        // the lab's guests (those "Plan the host" adds are its own)
        const truth = new Map([...await labGuests()].filter(([name]) => !name.startsWith("place-")));
        expect([...truth.keys()].sort()).toEqual(["aligned", "emu-elsewhere", "memory-away", "rhel64", "saved-pins", "wide"]);
        const rows = new Map(await frame.$$eval("[data-testid=guests] tr[data-guest]", trs =>
            trs.map(tr => [tr.getAttribute("data-guest"), [tr.getAttribute("data-state"), tr.getAttribute("data-verdict")]] as const)));
        // worked out by hand from test/numa-lab/guests/*.xml and the node lists lscpu gives (checked above), under
        // the node policy: the emulator belongs on the nodes of the vCPUs
        const VERDICTS: Record<string, string> = {
            aligned: "aligned",                  // vCPU 17 (node 2), emulator 13-23 odd (node 2)
            "emu-elsewhere": "emulator-elsewhere", // vCPU 14 (node 1), emulator 13,15 (node 2)
            "memory-away": "memory-elsewhere",   // vCPU and emulator on node 0, numatune memory on node 3
            rhel64: "emulator-elsewhere",        // vCPUs 1 and 3 (node 3), emulator unpinned (every node)
            "saved-pins": "emulator-elsewhere",  // shut off: vCPUs 0 and 2 (node 0), emulator 12-22 (node 1)
            wide: "emulator-elsewhere",          // vCPUs 5 and 12 (nodes 3 and 1), emulator unpinned
        };
        for (const [name, state] of truth) {
            const [shownState, shownVerdict] = rows.get(name)!;
            expect(shownState, name).toBe(state === "running" ? "running" : "shutoff");
            expect(shownVerdict, name).toBe(VERDICTS[name]);
        }
        expect(await frame.getAttribute("tr[data-guest=memory-away] td[data-memory]", "data-memory")).toBe("3");
        // rhel64's verdict names nodes 0, 1 and 2
        await tooltipWith(frame, "tr[data-guest=rhel64] td[data-label=Verdict] .pf-v6-c-label", "nodes 0, 1, 2");
    });

    both("downloads a report that validates against the schema, with the page's verdicts and the lab's nodes and guests", async () => {
        await reportCheck(b.page, frame);
    });

    both("shows rhel64's vhost-PID worker and wide's two (a multiqueue NIC) with their role and the CPUs /proc in the lab gives them", async () => {
        await expand("rhel64");
        const vhost = await labVhost("rhel64");
        expect(vhost.comm).toBe(`vhost-${vhost.pid}`);
        // Linux 6.1 (Debian 12): a kernel thread of its own; 6.12 (Debian 13): a thread of QEMU's process
        expect(vhost.inProcess, "listed under /proc/QEMUPID/task/").toBe(GENERATION >= 13);
        const row = frame.locator(`tr[data-threads-of="rhel64"] tr[data-tid="${vhost.tid}"]`);
        await row.waitFor({ timeout: 30000 });
        expect(await row.getAttribute("data-role")).toBe("vhost");
        expect(await row.getAttribute("data-actual")).toBe(vhost.cpus);

        // wide's NIC has two queue pairs: two workers, each listed with its own CPUs
        const workers = await labVhosts("wide");
        expect(workers).toHaveLength(2);
        await expand("wide");
        for (const w of workers) {
            const r = frame.locator(`tr[data-threads-of="wide"] tr[data-tid="${w.tid}"]`);
            await r.waitFor({ timeout: 30000 });
            expect(await r.getAttribute("data-role")).toBe("vhost");
            expect(await r.getAttribute("data-actual")).toBe(w.cpus);
            expect(w.inProcess).toBe(GENERATION >= 13);
        }
    });

    both("shows each NIC on the node /sys gives it, rhel64's path to its NIC on node 0 with the finding, and the NIC's interrupt lines as /proc has them",
         () => ioPathCheck(frame), 600000);
    whole("shows node 3's huge pages as sysfs has them, and places a huge-page guest only there", () => hugePagesCheck(frame), 600000);

    both("aligns rhel64 from the page: every emulator thread and its vhost worker on exactly 1,3,5,7,9,11, saved too", async () => {
        await frame.click(`tr[data-guest=rhel64] [data-testid=align]`, { timeout: 120000 });
        await frame.waitForSelector("[data-testid=align-dialog]", { timeout: 60000 });
        expect(await frame.inputValue("[data-testid=command-live] input")).toBe(`virsh emulatorpin rhel64 ${ARTICLE} --live`);
        expect(await frame.inputValue("[data-testid=command-config] input")).toBe(`virsh emulatorpin rhel64 ${ARTICLE} --config`);
        playbook = await playbookExport(b.page, frame);
        await frame.click("[data-testid=align-apply]");
        const verify = await frame.waitForSelector("[data-testid=plan-verify]", { timeout: 120000 });
        expect(await verify.textContent()).toContain(`now run on CPUs ${ARTICLE} (node 3)`);
        // "these should match": the kernel's view inside the lab
        expect(new Set(await labEmulatorThreads("rhel64"))).toEqual(new Set([ARTICLE]));
        expect((await labVhost("rhel64")).cpus).toBe(ARTICLE);
        expect(await labSsh("virsh dumpxml --inactive rhel64")).toContain(`<emulatorpin cpuset='${ARTICLE}'/>`);
        await frame.click("[data-testid=align-close]");
        await undoFromToast(frame, 120000);
        await frame.waitForSelector("tr[data-guest=rhel64][data-verdict=emulator-elsewhere]", { timeout: 120000 });
    });

    whole("exports the article's plan as a playbook that ansible-playbook runs against the lab: pinned as the page does, then changed=0", async () => {
        await playbookArticleCheck(playbook, ARTICLE);
    });

    whole("with libvirt's cpuset controller off, the vhost worker left behind is drift, and moved when asked", async () => {
        await cpusetMode("off");
        try {
            await labSsh("virsh -q destroy rhel64 >/dev/null; virsh -q start rhel64 >/dev/null; virsh -q emulatorpin rhel64 1,3,5,7,9,11 --live");
            const vhost = await labVhost("rhel64");
            expect(vhost.cpus).toBe("0-23"); // the kernel's own view: it did not follow
            // the page follows the restarted guest by itself: no reload
            await expand("rhel64");
            await frame.waitForSelector(`tr[data-threads-of="rhel64"] tr[data-tid="${vhost.tid}"][data-drift="true"]`, { timeout: 300000 });
            expect(await frame.getAttribute("tr[data-guest=rhel64]", "data-verdict")).toBe("drift");
            expect(await frame.textContent(`tr[data-threads-of="rhel64"] [data-testid=drift-explained]`)).toContain("did not follow");

            await frame.click(`tr[data-guest=rhel64] [data-testid=align]`, { timeout: 120000 });
            await frame.waitForSelector("[data-testid=align-dialog]", { timeout: 120000 });
            await frame.check("#align-move");
            await frame.click("[data-testid=align-apply]");
            const verify = await frame.waitForSelector("[data-testid=plan-verify]", { timeout: 300000 });
            expect(await verify.textContent()).toContain(`now run on CPUs ${ARTICLE}`);
            expect(await frame.getAttribute("[data-testid=plan-results] li[data-op=move]", "data-status")).toBe("applied");
            expect((await labVhost("rhel64")).cpus).toBe(ARTICLE);
            expect(new Set(await labEmulatorThreads("rhel64"))).toEqual(new Set([ARTICLE]));
            await frame.click("[data-testid=align-close]");
        } finally {
            // libvirt's default back for later runs against this lab; rhel64 keeps running as it is (the lab's
            // disk is a snapshot: the next boot starts clean)
            await cpusetMode("on");
        }
    }, 1_500_000);

    whole("moves a guest's memory to its vCPUs' node: numa_maps over ssh agrees before and after, the saved XML binds it, Undo moves it back", async () => {
        const guest = "place-memory";
        try {
            // started here, not with the others: a running guest more slows every earlier test in the lab
            await labSsh(`set -e\n${MEMORY_GUEST_START}`);
            // the page's memory per node against numa_maps in the lab (the guest's own memory: anonymous, huge, memfd)
            const cell = `tr[data-guest="${guest}"] [data-testid=memory-cell]`;
            // (a read during QEMU's preallocation sees only part of it: wait for one with the 256 MiB in place)
            await frame.waitForFunction(memoryAwayShown, [cell, 240 * 1024] as [string, number], { timeout: 600000 });
            const shown = new Map((await frame.getAttribute(cell, "data-kib"))!.split(",").map(p => p.split(":").map(Number) as [number, number]));
            const before = await labMemory(guest);
            expect(before.get(0)! / total(before), "preallocated on node 0").toBeGreaterThan(0.9);
            for (const [node, kib] of before) if (kib > total(before) / 20) expect(Math.abs((shown.get(node) ?? 0) - kib) / kib, `node ${node}`).toBeLessThan(0.05);
            // (the live emulatorpin came a moment after the start: the page's definition of it may be one read behind)
            await frame.waitForSelector(`tr[data-guest="${guest}"][data-verdict=memory-elsewhere]`, { timeout: 120000 });

            // node 2 nearly full (its free memory held in huge pages): refused with the numbers, nothing written
            await moveRefusedNoRoom(frame, guest);

            await frame.click(`tr[data-guest="${guest}"] [data-testid=move-memory]`);
            await frame.waitForSelector("[data-testid=memory-move-dialog] [data-testid=plan-preview]");
            const pid = (await labSsh(`cat /run/libvirt/qemu/${guest}.pid`)).trim();
            // the nodes it moves from: node 0, and any other off node 2 holding some of QEMU's own memory
            const moves = await frame.$$eval("[data-testid=memory-move-nodes] tr[data-from]", trs => trs.map(t => [Number(t.getAttribute("data-from")), t.getAttribute("data-to")] as const));
            expect(moves.map(m => m[1]).every(to => to === "2")).toBe(true);
            const from = cpusetFormat(moves.map(m => m[0]));
            expect(from).toMatch(/^0\b/);
            expect(await frame.inputValue("[data-testid=command-memory] input")).toBe(`migratepages ${pid} ${from} 2`);
            expect(await frame.inputValue("[data-testid=command-numatune] input")).toBe(`virsh numatune ${guest} --mode strict --nodeset 2 --config`);
            await frame.click("[data-testid=memory-move-apply]");
            const verify = await frame.waitForSelector("[data-testid=plan-verify]", { timeout: 600000 });
            expect(await verify.textContent()).toMatch(/Verified: (9\d|100)% of the memory is on node 2 \((node [013]: \d+ MiB, )*node 2: \d+ MiB(, node 3: \d+ MiB)?\)\. The saved config binds the memory strict on node 2\./);
            await frame.click("[data-testid=memory-move-close]");
            const moved = await labMemory(guest);
            expect((moved.get(2) ?? 0) / total(moved), "moved to node 2").toBeGreaterThan(0.9);
            expect(await labSsh(`virsh dumpxml --inactive ${guest}`)).toMatch(/<memory mode='strict' nodeset='2'\/>/);

            // Undo, previewed: the memory from node 2 back to node 0, the saved binding removed
            // (this guest's toast: the cpuset test's Align of rhel64 may still offer its own Undo)
            await frame.locator("[data-testid=toasts] [data-toast]", { hasText: guest }).last().locator("[data-testid=undo]").click();
            await frame.waitForSelector("[data-testid=undo-dialog] [data-undo=ready]");
            expect(await frame.inputValue("[data-testid=undo-dialog] [data-testid=command-memory] input")).toBe(`migratepages ${pid} 2 ${from}`);
            await frame.click("[data-testid=undo-apply]");
            await frame.waitForSelector("[data-testid=undo-dialog] [data-testid=undo-close]:has-text('Close')", { timeout: 600000 });
            await frame.click("[data-testid=undo-close]");
            const back = await labMemory(guest);
            expect((back.get(0) ?? 0) / total(back), "moved back to node 0").toBeGreaterThan(0.9);
            expect(await labSsh(`virsh dumpxml --inactive ${guest}`)).not.toContain("<numatune>");

            // memory-away's memory is bound strict to node 3 while it runs: refused with the reason, nothing written
            await moveRefusedBound(frame);
        } finally {
            await moveMemoryCleanup(frame);
        }
    }, 1_500_000);

    whole("plans the host: no CPU owned twice, the two-cell guest on two nodes with matching memnodes, the big guest on the two closest nodes", async () => {
        const t0 = Date.now();
        const step = (what: string) => console.log(`plan the host: ${what} after ${Math.round((Date.now() - t0) / 1000)} s`);
        try {
            // two running guests pinned to the same CPU with virsh: wide's vCPU 0 onto aligned's CPU 17; both say so
            await labSsh("virsh -q vcpupin wide 0 17 --live");
            await frame.click("[data-testid=refresh]");
            await frame.waitForSelector("tr[data-guest=aligned][data-verdict=shares-cpus]", { timeout: 300000 });
            step("shares-cpus shown");
            await tooltipWith(frame, "tr[data-guest=aligned] td[data-label=Verdict] .pf-v6-c-label", "wide");
            await frame.waitForSelector("tr[data-guest=place-big]", { timeout: 300000 });

            step("new guests listed");
            await frame.click("[data-testid=plan-host]");
            await frame.waitForSelector("[data-testid=plan-host-dialog] [data-testid=plan-host-guests]", { timeout: 120000 });
            step("plan shown");
            const moving = await frame.$$eval("[data-testid=plan-host-guests] tr[data-guest]", trs => trs.map(t => t.getAttribute("data-guest")));
            expect(moving.sort()).toEqual(["place-big", "place-cells", "place-two", "wide"]);
            expect(await frame.getAttribute("[data-testid=plan-host-totals] tr[data-total=owned-twice]", "data-after")).toBe("0");
            await frame.click("[data-testid=plan-host-apply]");
            await frame.waitForSelector("[data-testid=plan-host-close]:has-text('Close')", { timeout: 600000 });
            step("plan applied");
            const statuses = await frame.$$eval("[data-testid=plan-host-guests] tr[data-guest]", trs => trs.map(t => t.getAttribute("data-status")));
            expect(statuses.every(st => st === "verified" || st === "applied"), statuses.join()).toBe(true);
            await frame.click("[data-testid=plan-host-close]");
            // the page stops polling the lab: the checks below read it quiet
            await b.page.goto("about:blank");

            // the truth inside the lab: every guest's pins (live for running guests, saved for all), from virsh
            const pins = await labPins();
            const owners = new Map<string, string[]>();
            for (const [guest, sets] of pins) for (const set of sets) if (/^\d+$/.test(set)) owners.set(set, [...owners.get(set) ?? [], guest]);
            for (const [cpu, names] of owners) expect(names, `CPU ${cpu}`).toHaveLength(1);
            step("pins read");
            const nodeOf = await labCpuNodes();
            // the two-cell guest: each cell's vCPU on one node, its memnode on that node, two different nodes
            const cells = await labSsh("virsh dumpxml --inactive place-cells");
            const memnode = (cell: number) => new RegExp(`<memnode cellid='${cell}' mode='restrictive' nodeset='(\\d+)'/>`).exec(cells)?.[1];
            const cellPins = pins.get("place-cells")!;
            expect(memnode(0)).toBe(String(nodeOf.get(Number(cellPins[0]))));
            expect(memnode(1)).toBe(String(nodeOf.get(Number(cellPins[1]))));
            expect(memnode(0)).not.toBe(memnode(1));
            // the big guest: 8 vCPUs on 8 CPUs of two nodes, the closest pair by the kernel's distances
            const big = pins.get("place-big")!;
            expect(new Set(big).size).toBe(8);
            const bigNodes = [...new Set(big.map(c => nodeOf.get(Number(c))!))].sort();
            expect(bigNodes).toHaveLength(2);
            const distance = (await labSsh(`cat /sys/devices/system/node/node${bigNodes[0]}/distance`)).trim().split(/\s+/).map(Number);
            expect(distance[bigNodes[1]!]).toBe(Math.min(...distance.filter(d => d > 10)));
            // the running guest moved: its vCPU threads where its live pins say, one CPU each, in /proc
            const threads = await labSsh("pid=$(cat /run/libvirt/qemu/wide.pid); for t in /proc/$pid/task/*; do c=$(cat $t/comm); case \"$c\" in CPU*) sed -n 's/^Cpus_allowed_list:\\s*//p' $t/status;; esac; done");
            expect(threads.trim().split("\n").sort()).toEqual([...pins.get("wide")!].sort());
            expect(pins.get("wide")!.every(c => /^\d+$/.test(c))).toBe(true);
        } finally {
            await labSsh("for g in place-two place-cells place-big; do virsh -q undefine $g >/dev/null 2>&1; done; true");
        }
    }, 1_500_000);
});
