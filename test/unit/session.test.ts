// The session probe (src/host/session-probe.sh): the script run by sh against a fake home, and its parser.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sessionParse } from "../../src/model/session";

const SESSION_PROBE = fs.readFileSync(path.resolve("src/host/session-probe.sh"), "utf8");
let home: string;
const probe = (env: Record<string, string>) => execFileSync("sh", ["-c", SESSION_PROBE, "numa-placement-session"], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, ...env }, encoding: "utf8",
});
const uid = String(process.getuid!());

beforeEach(() => { home = fs.mkdtempSync(path.join(os.tmpdir(), "np-home-")) });
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

describe("session probe", () => {
    it("a user without libvirt files has no session guests (and the page leaves qemu:///session alone)", () => {
        const runtime = path.join(home, "runtime"); // a fake /run/user/UID, empty
        const info = sessionParse(probe({ XDG_RUNTIME_DIR: runtime }));
        expect(info).toEqual({ uid: Number(uid), hasGuests: false, runDir: `${runtime}/libvirt/qemu/run` });
    });

    it("a defined guest in ~/.config/libvirt/qemu counts; without XDG_RUNTIME_DIR the run directory is in ~/.cache", () => {
        fs.mkdirSync(path.join(home, ".config/libvirt/qemu"), { recursive: true });
        fs.writeFileSync(path.join(home, ".config/libvirt/qemu/mine.xml"), "<domain/>");
        expect(sessionParse(probe({}))).toEqual({ uid: Number(uid), hasGuests: true, runDir: `${home}/.cache/libvirt/qemu/run` });
    });

    it("a running transient guest (only in the run directory) counts too; XDG_CONFIG_HOME is honoured", () => {
        const run = path.join(home, "rt");
        fs.mkdirSync(path.join(run, "libvirt/qemu/run"), { recursive: true });
        fs.writeFileSync(path.join(run, "libvirt/qemu/run/t.xml"), "<domstatus/>");
        expect(sessionParse(probe({ XDG_RUNTIME_DIR: run, XDG_CONFIG_HOME: path.join(home, "elsewhere") }))!.hasGuests).toBe(true);
    });

    it("anything else is not an answer", () => {
        expect(sessionParse("sh: id: not found\n")).toBeNull();
        expect(sessionParse("1000\t2\trelative/dir\n")).toBeNull();
        expect(sessionParse("")).toBeNull();
    });
});
