import { describe, expect, it } from "vitest";
import { alignChange, alignLiveCheck } from "../../src/model/align";
import { commandText, opCommands } from "../../src/model/change";
import { planAlign } from "../../src/model/plan";
import { guestOf, hostOf } from "./fixtures";

// the article's host (test/fixtures/capabilities/article-4node.xml) and its guest, live and saved
const host = hostOf("article-4node");
const ARTICLE = [1, 3, 5, 7, 9, 11];
const RHEL64 = { connection: "system" as const, path: "/org/libvirt/QEMU/domain/_x", name: "rhel64" };

describe("alignChange", () => {
    it("the article's guest: live, then config, to 1,3,5,7,9,11, remembering it was unpinned — the article's own commands", () => {
        const live = guestOf("rhel64-live"), saved = guestOf("rhel64-inactive");
        const plan = planAlign({ host, state: "running", persistent: true, live, saved, policy: { kind: "node" } });
        const ops = alignChange({ plan, iothreads: false, host, live, saved });
        expect(ops.map(o => o.kind === "emulator" && [o.where, o.after, o.beforePinned, o.before.length])).toEqual([
            ["live", ARTICLE, false, 24], ["config", ARTICLE, false, 24],
        ]);
        expect(ops.flatMap(o => opCommands(o, RHEL64)).map(commandText)).toEqual([
            "virsh emulatorpin rhel64 1,3,5,7,9,11 --live",
            "virsh emulatorpin rhel64 1,3,5,7,9,11 --config",
        ]);
    });

    it("adds I/O thread pins on the same target when asked, only where they differ, right after their side's emulator pin", () => {
        const live = guestOf("iothreads-numatune");
        live.emulatorpin = null;
        const plan = planAlign({ host, state: "running", persistent: false, live, saved: null, policy: { kind: "node" } });
        const ops = alignChange({ plan, iothreads: true, host, live, saved: null });
        expect(ops.map(o => o.kind === "iothread" ? [o.id, o.where, o.after, o.beforePinned] : o.kind)).toEqual([
            "emulator", [1, "live", ARTICLE, true], [3, "live", ARTICLE, false],
        ]);
        expect(alignChange({ plan, iothreads: false, host, live, saved: null }).map(o => o.kind)).toEqual(["emulator"]);
    });

    it("writes the I/O thread pins even when the emulator is already aligned: every written operation is in the plan", () => {
        // the iothreads-numatune fixture under the LLC policy: emulator in place, I/O threads not — once, the
        // dialog said "Nothing to do" while it wrote iothreadpin to the saved config
        const saved = guestOf("iothreads-numatune");
        const plan = planAlign({ host, state: "shutoff", persistent: true, live: null, saved, policy: { kind: "llc" } });
        expect(plan.kind).toBe("nothing");
        const ops = alignChange({ plan, iothreads: true, host, live: null, saved });
        expect(ops.length).toBeGreaterThan(0);
        expect(ops.every(o => o.kind === "iothread" && o.where === "config")).toBe(true);
        expect(ops.flatMap(o => opCommands(o, RHEL64)).map(commandText)[0]).toMatch(/^virsh iothreadpin rhel64 \d+ \S+ --config$/);
    });

    it("a refused plan has no operation", () => {
        const live = guestOf("spans-nodes");
        const plan = planAlign({ host, state: "running", persistent: false, live, saved: null, policy: { kind: "custom", cpus: "99" } });
        expect(plan.kind).toBe("refused");
        expect(alignChange({ plan, iothreads: true, host, live, saved: null })).toEqual([]);
    });

    it("checks the running guest from the kernel even when only the saved config needs a pin", () => {
        const live = { ...guestOf("rhel64-live"), emulatorpin: ARTICLE }, saved = guestOf("rhel64-inactive");
        const plan = planAlign({ host, state: "running", persistent: true, live, saved, policy: { kind: "node" } });
        expect(alignChange({ plan, iothreads: false, host, live, saved }).map(o => o.where)).toEqual(["config"]);
        expect(alignLiveCheck(plan)).toEqual({ kind: "emulator", where: "live", before: ARTICLE, beforePinned: true, after: ARTICLE });
        // when the live side is written, its own operation is checked: no second one
        const both = planAlign({ host, state: "running", persistent: true, live: guestOf("rhel64-live"), saved, policy: { kind: "node" } });
        expect(alignLiveCheck(both)).toBeNull();
        // a shut-off guest has nothing running to check
        expect(alignLiveCheck(planAlign({ host, state: "shutoff", persistent: true, live: null, saved, policy: { kind: "node" } }))).toBeNull();
    });
});
