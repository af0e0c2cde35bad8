// Issue 6, item 4: qemu:///session. The lab's ordinary user (numa-lab-user: groups kvm and libvirt, no sudo)
// has a Cockpit of their own on :9092 (test/lab/session.sh) and two guests in their own libvirt session:
// demo-mine (running, vCPU on CPU 1, emulator on CPU 0) and demo-aligned (shut off; the system has a guest
// of that name too). The test reads that user's libvirt with virsh -c qemu:///session, as that user, and
// /proc itself.
import { execFile, execFileSync } from "node:child_process";
import { readFileSync, renameSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Frame } from "playwright-core";
// @ts-expect-error: plain JS helper shared with the screenshot script
import { browserOpen, shellOpen } from "../browser.mjs";
import { alignDialogOpen, type Browser } from "./page";
import { virsh, waitFor } from "./host";

const USER = "numa-lab-user";
const BASE = "http://127.0.0.1:9092";
const MINE = "demo-mine";
const uid = execFileSync("id", ["-u", USER], { encoding: "utf8" }).trim();
const home = execFileSync("getent", ["passwd", USER], { encoding: "utf8" }).split(":")[5]!;
const runDir = `/run/user/${uid}`;

async function userVirsh(...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)("setpriv", [
        `--reuid=${USER}`, `--regid=${USER}`, "--init-groups", "env", "-i", `HOME=${home}`, `XDG_RUNTIME_DIR=${runDir}`,
        "PATH=/usr/bin:/bin", "virsh", "-q", "-c", "qemu:///session", ...args]);
    return stdout;
}

/** CPU lists of the session guest's emulator-group threads (not vCPUs or the kvm-nx kernel worker), from /proc */
function mineEmulatorCpus(): string[] {
    const pid = readFileSync(`${runDir}/libvirt/qemu/run/${MINE}.pid`, "utf8").trim();
    const out = execFileSync("sh", ["-c", 'for t in /proc/$1/task/*; do c=$(cat $t/comm); case $c in "CPU "*|kvm-nx*) ;; *) sed -n "s/^Cpus_allowed_list:\\t//p" $t/status ;; esac; done', "sh", pid],
                             { encoding: "utf8" });
    return [...new Set(out.split("\n").filter(Boolean))];
}

/** The session bus the lab user's Cockpit runs under: from the environment of a child of its dbus-run-session */
function userBusAddress(): string {
    const [pid] = readFileSync("/run/numa-placement-lab/pids/session-cockpit-ws", "utf8").split(" ");
    for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/)) {
        const env = readFileSync(`/proc/${child}/environ`, "utf8").split("\0").find(e => e.startsWith("DBUS_SESSION_BUS_ADDRESS="));
        if (env) return env.slice("DBUS_SESSION_BUS_ADDRESS=".length);
    }
    throw new Error("the lab user's session bus was not found");
}

const savedEmulatorpin = async () => /<emulatorpin cpuset='([^']*)'/.exec(await userVirsh("dumpxml", "--inactive", MINE))?.[1] ?? null;

let b: Browser;
let frame: Frame;

beforeAll(async () => {
    b = await browserOpen();
    frame = await shellOpen(b.page, { base: BASE, hash: "#/?policy=vcpus" });
    await frame.waitForSelector("[data-page-status=ready]");
    await frame.waitForSelector(`tr[data-guest=${MINE}][data-connection=session]`, { timeout: 30000 });
});
afterAll(async () => {
    await b?.close();
    // back to the lab's state for the next run (the threads the page moved follow the main thread's pin only
    // through a restart, so the guest is restarted with its saved pins)
    await userVirsh("emulatorpin", MINE, "0", "--config").catch(() => null);
    await userVirsh("destroy", MINE).catch(() => null);
    await userVirsh("start", MINE).catch(() => null);
});

describe("the logged-in user's own guests (qemu:///session)", () => {
    it("are listed beside the host's, each marked with its connection; a shared name shows twice", async () => {
        expect(await frame.getAttribute("[data-page-status]", "data-access")).toBe("limited");
        const rows = await frame.$$eval("tr[data-guest]", trs => trs.map(t => [t.getAttribute("data-guest"), t.getAttribute("data-connection")]));
        // every system guest virsh knows, and the user's two
        const system = (await virsh("list", "--all", "--name")).split("\n").map(s => s.trim()).filter(Boolean);
        expect(rows.filter(([, c]) => c === "system").map(([n]) => n).sort()).toEqual(system.sort());
        expect(rows.filter(([, c]) => c === "session").map(([n]) => n).sort()).toEqual(["demo-aligned", MINE]);
        expect(await frame.locator("tr[data-guest=demo-aligned]").count()).toBe(2);
        expect(await frame.textContent(`tr[data-guest=${MINE}] [data-testid=session-label]`)).toBe("your session");
        expect(await frame.locator("[data-testid=session-label]").count()).toBe(2);
        expect(await frame.getAttribute(`tr[data-guest=${MINE}]`, "data-state")).toBe("running");
        expect(await frame.locator("[data-testid^=connection-problem]").count()).toBe(0);
        expect(await frame.textContent("[data-testid=limited-access]")).toContain("your session");
    });

    it("show where their threads run, read from /proc as the user", async () => {
        // vCPU on CPU 1 and the emulator on CPU 0: under the vCPU policy, "Emulator on other CPUs" (one node here)
        await frame.waitForSelector(`tr[data-guest=${MINE}][data-verdict=emulator-elsewhere]`);
        await frame.click(`tr[data-guest="${MINE}"] button[id^="threads"]`);
        const threads = frame.locator(`tr[data-threads-of="${MINE}"] [data-testid=threads] tr[data-tid]`);
        await threads.first().waitFor();
        const shown = await threads.evaluateAll(trs => trs.map(t => [t.getAttribute("data-role"), t.getAttribute("data-actual")]));
        expect(shown).toContainEqual(["vcpu", "1"]);
        expect(shown.filter(([r]) => r === "emulator").map(([, c]) => c)).toEqual(expect.arrayContaining(mineEmulatorCpus()));
    });

    it("can be aligned without administrative access, live and saved, while the host's guests cannot", async () => {
        const systemAlign = frame.locator("tr[data-guest=demo-emulator-elsewhere] [data-testid=align]");
        expect(await systemAlign.getAttribute("data-enabled")).toBe("false");
        expect(mineEmulatorCpus()).toEqual(["0"]);
        expect(await savedEmulatorpin()).toBe("0");
        await alignDialogOpen(frame, MINE);
        expect(await frame.inputValue("[data-testid=command-live] input")).toBe(`virsh -c qemu:///session emulatorpin ${MINE} 1 --live`);
        // a session libvirtd has no cgroups: its live emulatorpin moves QEMU's main thread only, so moving the
        // rest is on by default here
        expect(await frame.isChecked("#align-move")).toBe(true);
        await frame.click("[data-testid=align-apply]");
        await frame.waitForSelector("[data-testid=plan-verify]", { timeout: 30000 });
        expect(await frame.textContent("[data-testid=plan-verify]")).toMatch(/Verified: the \d+ emulator threads now run on CPUs 1/);
        expect(await frame.$$eval("[data-testid=plan-results] li", lis => lis.map(l => [l.getAttribute("data-op"), l.getAttribute("data-status")])))
            .toEqual([["emulator-live", "applied"], ["emulator-config", "applied"], ["move", "applied"]]);
        expect(mineEmulatorCpus()).toEqual(["1"]);
        expect(await savedEmulatorpin()).toBe("1");
        await frame.click("[data-testid=align-close]");
        await waitFor("the row to follow", async () =>
            // aligned; its vCPU shares CPU 1 with the host's demo guests, which is the verdict left
            await frame.getAttribute(`tr[data-guest=${MINE}]`, "data-verdict") === "shares-cpus", 15000);
    });

    it("Align all, without administrative access, takes the user's own guests only, and moves all their threads", async () => {
        // back to the misaligned start: saved pin on CPU 0, and a restart so that every thread is there again
        await userVirsh("emulatorpin", MINE, "0", "--config");
        await userVirsh("destroy", MINE);
        await userVirsh("start", MINE);
        await frame.waitForSelector(`tr[data-guest=${MINE}][data-state=running][data-verdict=emulator-elsewhere]`, { timeout: 30000 });
        await waitFor("demo-mine's threads back on CPU 0", async () => mineEmulatorCpus().join() === "0", 15000);
        await frame.click("[data-testid=align-all]");
        await frame.waitForSelector("[data-testid=align-all-dialog]");
        // the host's misaligned guests (demo-emulator-elsewhere, ...) need administrative access: not in the batch
        expect(await frame.$$eval("[data-testid=align-all-dialog] tr[data-guest]", trs => trs.map(t => t.getAttribute("data-guest")))).toEqual([MINE]);
        await frame.click("[data-testid=align-all-apply]");
        const done = await frame.waitForSelector(`[data-testid=align-all-dialog] tr[data-guest="${MINE}"]:not([data-status=pending])`, { timeout: 60000 });
        expect([await done.getAttribute("data-status"), await done.textContent()]).toEqual(["verified", expect.stringContaining("Verified")]);
        expect(mineEmulatorCpus()).toEqual(["1"]);
        expect(await savedEmulatorpin()).toBe("1");
        await frame.click("[data-testid=align-all-close]");
    });

    // The user's libvirtd is started by libvirt on demand (killing it only gets a new one), and libvirt-dbus by
    // the user's session bus: to take it away, the test moves its activation file aside (as if the package
    // were not installed) and stops the one running, found as the name's owner on that bus.
    it("without libvirt-dbus on the user's bus, the host's guests stay with a note; it recovers when it is back", async () => {
        const SERVICE = "/usr/share/dbus-1/services/org.libvirt.service";
        const HIDDEN = "/run/numa-placement-lab/org.libvirt.session-service.hidden-by-test";
        const busCall = (...args: string[]) => execFileSync("setpriv", [
            `--reuid=${USER}`, `--regid=${USER}`, "--init-groups", "busctl", `--address=${userBusAddress()}`,
            "call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus", ...args], { encoding: "utf8" });
        const owner = Number(busCall("GetConnectionUnixProcessID", "s", "org.libvirt").trim().split(/\s+/)[1]);
        expect(readFileSync(`/proc/${owner}/comm`, "utf8").trim()).toBe("libvirt-dbus");
        renameSync(SERVICE, HIDDEN);
        try {
            busCall("ReloadConfig");
            process.kill(owner, "SIGTERM");
            const note = await frame.waitForSelector("[data-testid=connection-problem-session]", { timeout: 30000 });
            expect(await note.textContent()).toContain("Your own virtual machines (qemu:///session) are not shown");
            expect(await note.textContent()).toContain("libvirt-dbus is not running");
            expect(await frame.locator("tr[data-connection=session]").count()).toBe(0);
            expect(await frame.locator("tr[data-connection=system]").count()).toBeGreaterThan(0);
        } finally {
            renameSync(HIDDEN, SERVICE);
            busCall("ReloadConfig");
        }
        await frame.waitForSelector(`tr[data-guest=${MINE}][data-connection=session][data-state=running]`, { timeout: 30000 });
        expect(await frame.locator("[data-testid=connection-problem-session]").count()).toBe(0);
    });
});
