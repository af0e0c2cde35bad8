// The page as a Debian package in the NUMA lab (make numa-lab installs the .deb that make deb builds from this
// tree): the package owns the page's files, the shell's menu has the entry and opens the page; without libvirt's
// QEMU driver (the manifest's condition) the entry is hidden; after dpkg -r it is gone. Each case is a fresh login
// of the read-only user: the bridge reads the list of pages when a session starts. The truth is dpkg and the
// files inside the lab, and what the shell serves.
import { describe, expect, it } from "vitest";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen, PLUGIN_FRAME } from "../browser.mjs";
import type { Page } from "playwright-core";
import { BASE, VIEWER, labSsh } from "./lab";

const SMALL = process.env.NUMA_LAB_SUITE === "small";
const whole = SMALL ? it.skip : it;
const PAGE_DIR = "/usr/share/cockpit/numa-placement";

/** a fresh login; then the shell's menu entries (href -> label) and the HTTP status of the page's index.html */
async function shell(inside?: (page: Page) => Promise<void>): Promise<{ menu: Map<string, string>; status: number }> {
    const b: { page: Page; close(): Promise<void> } = await browserOpen();
    try {
        b.page.setDefaultTimeout(300000);
        await b.page.goto(`${BASE}/system`, { timeout: 300000 });
        await b.page.fill("#login-user-input", VIEWER.user);
        await b.page.fill("#login-password-input", VIEWER.password);
        await b.page.click("#login-button");
        await b.page.waitForSelector("nav a[href='/system']", { timeout: 300000 });
        const links: [string, string][] = await (b.page as Page).$$eval("nav a[href]", as => as.map(a => [a.getAttribute("href") ?? "", (a.textContent ?? "").trim()]));
        const status = (await b.page.request.get(`${BASE}/cockpit/@localhost/numa-placement/index.html`)).status();
        if (inside) await inside(b.page);
        return { menu: new Map(links), status };
    } finally {
        await b.close();
    }
}

/** the menu has its other entries but not this page's, and the shell serves no page there */
function expectGone(seen: { menu: Map<string, string>; status: number }): void {
    expect([...seen.menu.keys()]).not.toContain("/numa-placement");
    expect([...seen.menu.keys()]).toContain("/system");
    expect(seen.status).toBe(404);
}

describe("the Debian package", () => {
    it("is installed from the .deb, owns the page's files, and its menu entry opens the page", async () => {
        expect(await labSsh("dpkg-query -W -f='${Status} ${Version}' cockpit-numa-placement")).toMatch(/^install ok installed \d+\.\d+\.\d+-1$/);
        const files = (await labSsh("dpkg -L cockpit-numa-placement")).split("\n");
        for (const f of ["manifest.json", "index.html", "index.js.gz"]) expect(files).toContain(`${PAGE_DIR}/${f}`);
        expect(files).toContain("/usr/share/metainfo/org.cockpit_project.numa_placement.metainfo.xml");
        // no copy from make install that could be what the shell serves instead
        expect(await labSsh("ls -d /usr/local/share/cockpit/numa-placement 2>/dev/null; true")).toBe("");
        const seen = await shell(async page => {
            await page.click("nav a[href='/numa-placement']");
            const frame = await (await page.waitForSelector(`iframe[name="${PLUGIN_FRAME}"]`, { state: "attached" })).contentFrame();
            await frame!.waitForSelector("[data-page-status=ready]", { timeout: 300000 });
            expect(await frame!.locator("[data-testid=guests] tr[data-guest='rhel64']").count()).toBe(1);
        });
        expect(seen.menu.get("/numa-placement")).toBe("NUMA placement");
        expect(seen.status).toBe(200);
    });

    whole("hides the menu entry where libvirt's QEMU driver is not installed (the manifest's condition)", async () => {
        try {
            await labSsh("mv /etc/libvirt/qemu.conf /etc/libvirt/qemu.conf.away");
            expectGone(await shell());
        } finally {
            await labSsh("[ -e /etc/libvirt/qemu.conf.away ] && mv /etc/libvirt/qemu.conf.away /etc/libvirt/qemu.conf; true");
        }
    });

    whole("takes the menu entry and the page with it when the package is removed", async () => {
        try {
            await labSsh("dpkg -r cockpit-numa-placement >/dev/null");
            expect(await labSsh(`dpkg-query -W -f='\${Status}' cockpit-numa-placement 2>/dev/null; ls ${PAGE_DIR} 2>/dev/null; true`)).not.toMatch(/install ok installed|manifest/);
            expectGone(await shell());
        } finally {
            // back for later runs against this lab
            await labSsh("dpkg -i /root/cockpit-numa-placement.deb >/dev/null");
        }
    });
});
