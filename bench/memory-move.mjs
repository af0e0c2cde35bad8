// make bench, Move memory (issue 15), in the NUMA lab (Debian 13; an emulated 4-node host): the time the page
// takes to move a running guest's 256 MiB from node 0 to its vCPU's node 2 (from the click on Move to the kernel's
// count read back and shown as verified, the saved config bound too) and back with Undo, against migratepages
// run by hand inside the lab for the same pages (timed inside the lab, so ssh costs nothing). Interleaved: each
// repetition moves by hand there and back, then with the page there and back; the first repetition is a discarded
// warm-up. The page stays open throughout, so that both sides run under the same polling load. Prints one JSON
// line (bench/memory-move.json).
//   BENCH_MOVE_REPS=3
import { browserOpen, shellOpen } from "../test/browser.mjs";
import { ADMIN, BASE, MEMORY_GUEST_REMOVE, MEMORY_GUEST_START, labSsh, memoryAwayShown } from "../test/numa-lab/ssh.mjs";
import { stats } from "./lib.mjs";

const REPS = Number(process.env.BENCH_MOVE_REPS ?? 3);
const GUEST = "place-memory";
const CELL = `tr[data-guest="${GUEST}"] [data-testid=memory-cell]`;
const median = xs => stats(xs).median;

/** migratepages by hand, timed inside the lab: ms, and the share of the guest's memory on node `to` after it */
async function byHand(from, to) {
    const out = await labSsh(`pid=$(cat /run/libvirt/qemu/${GUEST}.pid); t0=$(date +%s%N); migratepages $pid ${from} ${to}; t1=$(date +%s%N); ` +
        `echo $(( (t1 - t0) / 1000000 )); grep -o ' N[0-9]*=[0-9]*' /proc/$pid/numa_maps | awk -F= '{ n[$1] += $2; t += $2 } END { print n[" N${to}"] / t }'`);
    const [ms, share] = out.trim().split("\n").map(Number);
    return { ms, share };
}

/** the page's Move memory from the click to "Verified", then its Undo the same way: ms each */
async function byPage(frame) {
    await frame.waitForFunction(memoryAwayShown, [CELL, 240 * 1024], { timeout: 600000 });
    await frame.waitForSelector(`tr[data-guest="${GUEST}"][data-verdict=memory-elsewhere]`, { timeout: 300000 });
    await frame.click(`tr[data-guest="${GUEST}"] [data-testid=move-memory]`);
    await frame.waitForSelector("[data-testid=memory-move-dialog] [data-testid=plan-preview]");
    let t0 = performance.now();
    await frame.click("[data-testid=memory-move-apply]");
    const verify = await frame.waitForSelector("[data-testid=plan-verify]", { timeout: 600000 });
    const move = performance.now() - t0;
    const text = await verify.textContent();
    await frame.click("[data-testid=memory-move-close]");
    await frame.locator("[data-testid=toasts] [data-toast]", { hasText: GUEST }).last().locator("[data-testid=undo]").click();
    await frame.waitForSelector("[data-testid=undo-dialog] [data-undo=ready]", { timeout: 300000 });
    t0 = performance.now();
    await frame.click("[data-testid=undo-apply]");
    await frame.waitForSelector("[data-testid=undo-dialog] [data-testid=undo-close]:has-text('Close')", { timeout: 600000 });
    const undo = performance.now() - t0;
    await frame.click("[data-testid=undo-close]");
    return { move: Math.round(move), undo: Math.round(undo), verified: text };
}

const generation = (await labSsh("cat /etc/os-release")).match(/^VERSION_ID="?(\d+)/m)?.[1];
await labSsh(`${MEMORY_GUEST_REMOVE}\nset -e\n${MEMORY_GUEST_START}`);
const b = await browserOpen();
try {
    b.page.setDefaultTimeout(300000);
    const frame = await shellOpen(b.page, { base: BASE, user: ADMIN.user, password: ADMIN.password, admin: true, timeout: 300000 });
    await frame.waitForSelector("[data-page-status=ready]", { timeout: 300000 });
    const hand = [], page = [];
    for (let rep = 0; rep <= REPS; rep++) {
        await frame.waitForFunction(memoryAwayShown, [CELL, 240 * 1024], { timeout: 600000 });
        const there = await byHand(0, 2), back = await byHand(2, 0);
        if (there.share < 0.9 || back.share < 0.9) throw new Error(`migratepages by hand moved ${Math.round(100 * there.share)}% to node 2, ${Math.round(100 * back.share)}% back`);
        const p = await byPage(frame);
        console.error(`bench: move ${rep || "warm-up"}: by hand ${there.ms} + ${back.ms} ms, page ${p.move} + ${p.undo} ms`);
        if (rep === 0) continue;
        hand.push([there.ms, back.ms]);
        page.push([p.move, p.undo]);
    }
    console.log(JSON.stringify({
        lab: `Debian ${generation}, 4 nodes, TCG`, guestMiB: 256, reps: REPS,
        byHandMs: { move: median(hand.map(h => h[0])), back: median(hand.map(h => h[1])), runs: hand },
        pageMs: { move: median(page.map(p => p[0])), undo: median(page.map(p => p[1])), runs: page },
    }));
} finally {
    await b.close();
    await labSsh(MEMORY_GUEST_REMOVE);
}
