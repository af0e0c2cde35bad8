// The README's screenshot: the page in the full Cockpit shell of a running lab (`make lab` or `make numa-lab`).
//   node test/screenshot.mjs [OUTPUT.png]
//   COCKPIT_URL=http://127.0.0.1:9091 LOGIN=admin:numalab SELECT=rhel64 node test/screenshot.mjs   (the NUMA lab)
import { browserOpen, shellOpen } from "./browser.mjs";

const out = process.argv[2] ?? "doc/screenshot.png";
const b = await browserOpen();
try {
    const [user, password] = (process.env.LOGIN ?? "").split(":");
    const frame = await shellOpen(b.page, { timeout: 90000, user, password });
    await frame.waitForSelector("[data-page-status='ready']", { timeout: 60000 });
    if (process.env.SELECT)
        await frame.click(`tr[data-guest="${process.env.SELECT}"]`);
    await b.page.waitForTimeout(500);
    await b.page.screenshot({ path: out });
    console.log("wrote", out);
} finally {
    await b.close();
}
