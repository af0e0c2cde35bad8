// The README's screenshot: the page in the full Cockpit shell of a running lab (`make lab` or `make numa-lab`).
//   node test/screenshot.mjs [OUTPUT.png]
//   COCKPIT_URL=http://127.0.0.1:9091 LOGIN=admin:numalab SELECT=rhel64 node test/screenshot.mjs   (the NUMA lab)
import { browserOpen, shellOpen } from "./browser.mjs";

const out = process.argv[2] ?? "doc/screenshot.png";
const b = await browserOpen();
try {
    const [user, password] = (process.env.LOGIN ?? "").split(":");
    const frame = await shellOpen(b.page, { timeout: 180000, user, password, admin: Boolean(process.env.ADMIN) });
    await frame.waitForSelector("[data-page-status='ready']", { timeout: 120000 });
    await frame.waitForFunction(() => Number(document.querySelector("[data-refreshes]")?.getAttribute("data-refreshes")) > 0, null, { timeout: 120000 });
    if (process.env.SELECT)
        await frame.click(`tr[data-guest="${process.env.SELECT}"] td[data-label="Name"]`);
    if (process.env.EXPAND) {
        await frame.click(`tr[data-guest="${process.env.EXPAND}"] button[id^="threads"]`);
        await frame.waitForSelector(`tr[data-threads-of="${process.env.EXPAND}"] [data-testid=threads]`, { timeout: 120000 });
    }
    if (process.env.FULL) await b.page.setViewportSize({ width: 1400, height: Number(process.env.FULL) });
    await b.page.waitForTimeout(500);
    await b.page.screenshot({ path: out });
    console.log("wrote", out);
    // the Place dialog of a guest, as a second picture (PLACE=NAME PLACE_OUT=FILE)
    if (process.env.PLACE) {
        await frame.click(`tr[data-guest="${process.env.PLACE}"] [data-testid=place]`);
        await frame.waitForSelector("[data-testid=place-dialog] [data-testid=plan-preview]", { timeout: 120000 });
        await b.page.setViewportSize({ width: 1400, height: 1100 });
        await b.page.waitForTimeout(500);
        await b.page.screenshot({ path: process.env.PLACE_OUT ?? "doc/place.png" });
        console.log("wrote", process.env.PLACE_OUT ?? "doc/place.png");
    }
} finally {
    await b.close();
}
