// "Export as Ansible": the playbook for plans of every kind of operation, for a guest with a hostile name (Jinja,
// quotes, a tab, shell characters). Checked with the real tools Debian ships (ansible-playbook --syntax-check and
// ansible-lint, which make check installs) and for what it must never do: template or run the guest's name.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { playbookText } from "../../src/model/ansible";
import type { ChangePlan } from "../../src/model/change";

const HOSTILE = "web{{ lookup('pipe', 'id') }}\t\"; rm -rf / #";
const pin = (after: number[]) => ({ before: [0, 1], beforePinned: false, after });
const plans: ChangePlan[] = [
    { guest: { connection: "system", path: "/a", name: HOSTILE }, ops: [
        { kind: "emulator", where: "live", ...pin([1, 3, 5, 7, 9, 11]) },
        { kind: "emulator", where: "config", ...pin([1, 3, 5, 7, 9, 11]) },
        { kind: "vcpu", id: 1, where: "config", ...pin([3]) },
        { kind: "iothread", id: 1, where: "live", ...pin([5]) },
        { kind: "numatune", where: "config", before: { mode: "none", nodeset: [], memnodes: [] }, after: { mode: "strict", nodeset: [3], memnodes: [] } },
        { kind: "move-threads", where: "live", pid: 42, threads: [{ tid: 43, before: [0] }], after: [1] },
        { kind: "memory", where: "live", pid: 42, from: [0], to: [3], before: new Map([[0, 1024]]) },
    ] },
    { guest: { connection: "session", path: "/b", name: "mine" }, ops: [
        { kind: "numatune", where: "config", before: { mode: "none", nodeset: [], memnodes: [] }, after: { mode: "strict", nodeset: [0, 1], memnodes: [{ cellid: 0, mode: "strict", nodeset: [0] }] } },
    ] },
];
const text = playbookText({ title: "Align \"all\"", tool: "cockpit-numa-placement 0.1.0", generated: "2026-11-30T12:00:00.000Z", plans });
const dir = mkdtempSync(path.join(os.tmpdir(), "np-ansible-"));
const file = path.join(dir, "playbook.yml");
writeFileSync(file, text);
afterAll(() => { if (!process.env.KEEP_PLAYBOOK) rmSync(dir, { recursive: true, force: true }) });

describe("the exported playbook", () => {
    it("passes ansible-playbook --syntax-check and ansible-lint", () => {
        expect(execFileSync("ansible-playbook", ["-i", "localhost,", "--syntax-check", file], { encoding: "utf8", env: { ...process.env, ANSIBLE_NOCOLOR: "1" } })).toContain("playbook: ");
        // ansible-lint exits non-zero on any finding; its own cache goes to the temporary directory
        execFileSync("ansible-lint", ["-q", "--offline", file], { cwd: dir, encoding: "utf8", env: { ...process.env, HOME: dir, NO_COLOR: "1" } });
    // (two Python tools: about 3 s on an idle machine, more than vitest's default 5 s while a lab runs beside them)
    }, 120000);

    it("holds the guest's name once, as a variable Ansible never templates; commands are argv, never a shell", () => {
        expect(text.split(JSON.stringify(HOSTILE)).length).toBe(2);
        expect(text).toContain(`np_guest_0: !unsafe ${JSON.stringify(HOSTILE)}`);
        expect(text).not.toMatch(/ansible\.builtin\.(shell|raw|script)/);
        expect(text.split("lookup(").length).toBe(2);
        expect([...text.matchAll(/ansible\.builtin\.command:\n\s+argv:/g)].length).toBe([...text.matchAll(/ansible\.builtin\.command:/g)].length);
    });

    it("reads before it changes, changes live only while the guest runs, and checks after", () => {
        // the live emulator pin: read, would-change report under --check, change, check; all gated on the state
        const tasks = text.split("\n    - name: ").slice(1);
        const live = tasks.filter(t => t.includes("emulatorpin") && t.includes("--live"));
        expect(live.map(t => t.split("\n")[0])).toEqual([
            "\"Read virsh emulatorpin --live for {{ np_guest_0 }}\"",
            "\"Would run virsh emulatorpin 1,3,5,7,9,11 --live for {{ np_guest_0 }}\"",
            "\"Run virsh emulatorpin 1,3,5,7,9,11 --live for {{ np_guest_0 }}\"",
            "\"Check virsh emulatorpin --live is 1,3,5,7,9,11 for {{ np_guest_0 }}\"",
        ]);
        for (const t of live.slice(0, 4)) expect(t).toContain("np_0_state.stdout | trim == 'running'");
        expect(live[0]).toContain("check_mode: false");
        expect(live[1]).toContain("ansible.builtin.debug");
        expect(live[2]).toContain("\"not ansible_check_mode\"");
        // the saved side is not gated on the state
        const saved = tasks.filter(t => t.includes("emulatorpin") && t.includes("--config"));
        expect(saved.length).toBe(4);
        for (const t of saved) expect(t).not.toContain("== 'running'");
        // numatune through virsh; a binding with memnodes refused with a reason; thread moves left out, said so
        expect(text).toContain("- \"--nodeset\"\n          - \"3\"");
        expect(tasks.some(t => t.includes("ansible.builtin.fail") && t.includes("per-cell"))).toBe(true);
        expect(tasks.some(t => t.startsWith("\"Threads that did not follow") && t.includes("ansible.builtin.debug"))).toBe(true);
        // memory: migratepages only when less than 90% is on the target node, then checked
        expect(text).toContain("- \"migratepages\"");
        expect(text).toContain("\"np_0_6.stdout | int < 90\"");
        // a session guest's tasks run as the connecting user, on the user's own libvirt
        expect(tasks.filter(t => t.includes("np_guest_1")).every(t => t.includes("become: false"))).toBe(true);
    });
});
