// Loading a page as a user does: through the Cockpit shell's URL, in a fresh browser context (no cache, no
// storage: what a user who just logged in gets) or reloaded in a warm one. The page's own moments are marked
// inside its frame by a probe polled every 16 ms (Date.now(), the same clock as here); what crosses the websocket is counted
// from outside the page: frames, bytes, D-Bus calls (dbus-json3 "call" messages) and processes spawned (channels
// opened with "spawn"), for this page and for cockpit-machines alike.
import { chromium } from "playwright-core";
import { COCKPIT } from "../test/browser.mjs";

const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/**
 * Runs in the page's frame every 16 ms while Playwright waits on it: records (window.__bench) when the frame first
 * shows what counts, with Date.now() (the same clock as here), and says when it is ready. An init script cannot do
 * it: the shell's frame starts as about:blank and its window is reused by the page's document.
 */
function probe(want) {
    const marks = window.__bench ?? (window.__bench = {});
    const mark = (k, ok) => { if (ok && !marks[k]) marks[k] = Date.now() };
    if (location.pathname.includes("/numa-placement/")) {
        const rows = document.querySelectorAll("[data-testid=guests] tr[data-guest]");
        mark("firstRow", rows.length > 0);
        const root = document.querySelector("[data-page-status=ready]");
        const verdicts = document.querySelectorAll("[data-testid=guests] tr[data-guest][data-verdict]").length;
        mark("ready", !!root && Number(root.getAttribute("data-refreshes")) >= 1 && verdicts >= want && verdicts === rows.length);
        mark("alignEnabled", !!document.querySelector("[data-testid=align][data-enabled=true]"));
    } else if (location.pathname.includes("/machines/")) {
        const states = [...document.querySelectorAll("#virtual-machines-listing [id^='vm-'][id$='-state']")];
        mark("firstRow", states.length > 0);
        mark("ready", states.length >= want && states.every(st => (st.textContent ?? "").trim() !== ""));
    }
    return !!marks.ready;
}

export async function browserLaunch() {
    return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ARGS, headless: true });
}

/** the websocket traffic of a page, counted while it runs */
function wsCounter(page, group) {
    // firstOwn: when the page's frame sent its first message (the shell adds the frame's group to every channel it
    // opens): everything before it is the shell's and the browser's, the same for both pages
    const c = { frames: 0, bytes: 0, dbusCalls: 0, spawns: 0, methods: {}, firstOwn: null, on: true };
    page.on("websocket", ws => {
        const count = (dir, f) => {
            if (!c.on) return;
            const text = typeof f.payload === "string" ? f.payload : f.payload.toString("utf8");
            c.frames++;
            c.bytes += typeof f.payload === "string" ? Buffer.byteLength(f.payload) : f.payload.length;
            if (dir === "sent") {
                if (c.firstOwn === null && text.includes(`"group":"${group}"`)) c.firstOwn = Date.now();
                if (/"call":\s*\[/.test(text)) {
                    c.dbusCalls++;
                    // which interface and method: where the calls per guest go
                    const m = /"call":\s*\["[^"]*",\s*"([^"]*)",\s*"([^"]*)"/.exec(text);
                    const key = m ? `${m[1]}.${m[2]}` : "?";
                    c.methods[key] = (c.methods[key] ?? 0) + 1;
                }
                if (text.startsWith("\n") && /"command":\s*"open"/.test(text) && /"spawn":\s*\[/.test(text)) c.spawns++;
            }
        };
        ws.on("framesent", f => count("sent", f));
        ws.on("framereceived", f => count("received", f));
    });
    return c;
}

// this page under the vcpus policy: on the single-node local lab the one that tells aligned from not (the node
// policy calls every guest "single node", and no Align button is enabled)
const PAGES = { page: { path: "/numa-placement#/?policy=vcpus", frame: "cockpit1:localhost/numa-placement" }, machines: { path: "/machines", frame: "cockpit1:localhost/machines" } };

async function marksOf(page, which, want, timeout) {
    const deadline = Date.now() + timeout;
    for (;;) {
        const frame = page.frames().find(f => f.name() === PAGES[which].frame);
        if (frame) {
            try {
                await frame.waitForFunction(probe, want, { polling: 16, timeout: Math.max(1000, deadline - Date.now()) });
                return { frame, marks: await frame.evaluate(() => ({ ...window.__bench })) };
            } catch (e) {
                if (Date.now() > deadline) throw e; // else the frame navigated while being probed: again
            }
        } else if (Date.now() > deadline) throw new Error(`${which}: no frame ${PAGES[which].frame}`);
        else await new Promise(r => setTimeout(r, 5));
    }
}

/**
 * One load of `which` ("page" or "machines") through the shell URL: fresh (a new context) or warm (a reload in the
 * context of a load before). Returns ms from navigation to each mark, and the websocket traffic until "ready".
 */
export async function loadTimed(browser, which, want, { context = null, timeout = 120000 } = {}) {
    const fresh = !context;
    const ctx = context ?? await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: "en-US" });
    if (fresh) {
        // cockpit-machines' "virtualization disabled" notice off; this page's counters on (its refresh count says when
        // the threads were read), as the tests have them
        await ctx.addInitScript(() => {
            try { localStorage.setItem("virtualization-disabled-ignored", "true"); localStorage.setItem("numa-placement-counters", "1") } catch { /* */ }
        });
    }
    const page = ctx.pages()[0] ?? await ctx.newPage();
    const ws = wsCounter(page, PAGES[which].frame);
    const t0 = Date.now();
    if (fresh) await page.goto(`${COCKPIT}${PAGES[which].path}`, { timeout });
    else await page.reload({ timeout });
    const { frame, marks } = await marksOf(page, which, want, timeout);
    ws.on = false;
    const since = k => marks[k] ? marks[k] - t0 : null;
    return {
        context: ctx, frame,
        ms: { ready: since("ready"), firstRow: since("firstRow"), alignEnabled: since("alignEnabled"), ownStart: ws.firstOwn ? ws.firstOwn - t0 : null },
        ws: { frames: ws.frames, bytes: ws.bytes, dbusCalls: ws.dbusCalls, spawns: ws.spawns, methods: ws.methods },
    };
}
