// The thread mover (src/host/move-threads.sh), run by sh: it moves this test's own child process, and a
// thread that is gone is no failure.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const MOVE = fs.readFileSync(path.resolve("src/host/move-threads.sh"), "utf8");
const move = (...args: string[]) => execFileSync("sh", ["-c", MOVE, "numa-placement-move", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const allowed = (pid: number) => /^Cpus_allowed_list:\s*(\S+)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1];

describe("move-threads.sh", () => {
    it("sets the CPU list of every thread given, and skips a thread that ended", () => {
        const child = spawn("sleep", ["30"]);
        try {
            move("0", String(child.pid), "999999999");
            expect(allowed(child.pid!)).toBe("0");
        } finally {
            child.kill();
        }
    });

    it("fails, saying why, for a thread that exists but cannot be moved there", () => {
        const child = spawn("sleep", ["30"]);
        try {
            expect(() => move("99999", String(child.pid))).toThrow();
        } finally {
            child.kill();
        }
    });
});
