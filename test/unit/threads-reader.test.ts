// The host reader script itself, run by sh against a fake /proc tree and run directory (src/host/threads-reader.sh):
// which guests and threads it finds, and what it refuses to trust. Memory, CPU time and /sys: threads-reader-host.test.ts.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { guestThreads, snapshotParse } from "../../src/model/threads";
import { ENV, SCRIPT, fakeProcEach, proc, read, readSession, root } from "./fakeproc";

fakeProcEach();

describe("threads-reader.sh", () => {
    it("reads guests from libvirt's pid files (no trailing newline), with every thread, and skips libvirtd's own", () => {
        proc(100, "qemu-system-x86", "0-7", { threads: [[100, "qemu-system-x86", "0-7"], [101, "CPU 0/KVM", "2"], [102, "SPICE Worker", "0-7"], [103, "vhost-100", "0-7"]] });
        proc(50, "libvirtd", "0-7");
        fs.writeFileSync(path.join(root, "run", "web 1.pid"), "100");
        fs.writeFileSync(path.join(root, "run", "driver.pid"), "50");
        const snap = snapshotParse(read());
        expect(snap.problems).toEqual([]);
        expect([...snap.guests.keys()]).toEqual(["web 1"]);
        expect(guestThreads(snap, "web 1")!.map(t => [t.tid, t.comm, t.cpus, t.role.kind])).toEqual([
            [100, "qemu-system-x86", [0, 1, 2, 3, 4, 5, 6, 7], "emulator"],
            [101, "CPU 0/KVM", [2], "vcpu"],
            [102, "SPICE Worker", [0, 1, 2, 3, 4, 5, 6, 7], "emulator"],
            [103, "vhost-100", [0, 1, 2, 3, 4, 5, 6, 7], "vhost"],
        ]);
    });

    it("finds a guest by its -name guest=NAME argument when libvirt's run directory cannot be read, undoubling commas", () => {
        proc(300, "qemu-kvm", "1", { cmdline: ["/usr/libexec/qemu-kvm", "-name", "guest=a,,b <c> $(x),debug-threads=on", "-S"], threads: [[300, "qemu-kvm", "1"]] });
        // with the run directory readable, a QEMU process without a pid file is no system guest
        expect(snapshotParse(read()).guests.size).toBe(0);
        fs.rmSync(path.join(root, "run"), { recursive: true });
        const snap = snapshotParse(read());
        expect([...snap.guests.keys()]).toEqual(["a,b <c> $(x)"]);
    });

    it("lists legacy vhost and kvm-pit kernel threads, and tells which guest they belong to", () => {
        proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"]] });
        proc(120, "vhost-100", "0-3", { kthread: true });
        proc(121, "kvm-pit/100", "0-3", { kthread: true });
        proc(130, "kworker/0:1", "0");
        fs.writeFileSync(path.join(root, "run", "g.pid"), "100\n");
        const snap = snapshotParse(read());
        expect(snap.kernelThreads.map(t => t.comm)).toEqual(["vhost-100", "kvm-pit/100"]);
        expect(guestThreads(snap, "g")!.map(t => t.role)).toEqual([
            { kind: "emulator", main: true }, { kind: "vhost", kernelThread: true }, { kind: "kernel-worker", follows: "none" },
        ]);
    });

    it("reports a guest whose process is gone and a pid file without a number, never failing", () => {
        fs.writeFileSync(path.join(root, "run", "gone.pid"), "4242");
        fs.writeFileSync(path.join(root, "run", "junk.pid"), "abc");
        const snap = snapshotParse(read());
        expect(snap.guests.size).toBe(0);
        expect(snap.skipped).toEqual([
            { name: "gone", reason: "ended", connection: "system" },
            { name: "junk", reason: "no-pid", connection: "system" },
        ]);
    });

    it("a thread that exits during the read is left out", () => {
        proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"], [101, "CPU 0/KVM", "1"]] });
        fs.rmSync(path.join(root, "proc", "100", "task", "101", "status"));
        fs.writeFileSync(path.join(root, "run", "g.pid"), "100");
        expect(snapshotParse(read()).guests.get("g")!.threads.map(t => t.tid)).toEqual([100]);
    });

    it("reads the user's qemu:///session guests from their run directory, apart from a system guest of the same name", () => {
        proc(100, "qemu-system-x86", "0-7", { threads: [[100, "qemu-system-x86", "0-7"], [101, "CPU 0/KVM", "2"]] });
        proc(200, "qemu-system-x86", "5", { uid: 1001, threads: [[200, "qemu-system-x86", "5"], [201, "CPU 0/KVM", "3"]] });
        fs.writeFileSync(path.join(root, "run", "web.pid"), "100");
        const sessionRun = path.join(root, "session-run");
        fs.mkdirSync(sessionRun);
        fs.writeFileSync(path.join(sessionRun, "web.pid"), "200\n");
        const snap = snapshotParse(read("-s", sessionRun, "-u", "1001"));
        expect(snap.problems).toEqual([]);
        expect([...snap.guests.keys()]).toEqual(["web"]);
        expect([...snap.sessionGuests.keys()]).toEqual(["web"]);
        expect(guestThreads(snap, "web", "system")!.map(t => t.cpus)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [2]]);
        expect(guestThreads(snap, "web", "session")!.map(t => [t.tid, t.cpus])).toEqual([[200, [5]], [201, [3]]]);
    });

    it("without pid files, tells session guests from system guests by the user that runs them", () => {
        proc(100, "qemu-system-x86", "1", { cmdline: ["qemu-system-x86_64", "-name", "guest=sys,debug-threads=on"], threads: [[100, "qemu-system-x86", "1"]] });
        proc(200, "qemu-system-x86", "0", { uid: 1001, cmdline: ["qemu-system-x86_64", "-name", "guest=mine,debug-threads=on"], threads: [[200, "qemu-system-x86", "0"]] });
        fs.rmSync(path.join(root, "run"), { recursive: true }); // as for a user who cannot read /run/libvirt/qemu
        const snap = snapshotParse(read("-s", path.join(root, "no-such-dir"), "-u", "1001"));
        expect([...snap.guests.keys()]).toEqual(["sys"]);
        expect([...snap.sessionGuests.keys()]).toEqual(["mine"]);
        // without -u, a user's QEMU process is still no system guest: only root's and libvirt's QEMU user's are
        const plain = snapshotParse(read());
        expect([...plain.guests.keys()]).toEqual(["sys"]);
        expect(plain.sessionGuests.size).toBe(0);
    });

    describe("trusts nothing a user can write", () => {
        const sessionRun = () => { const d = path.join(root, "session-run"); fs.mkdirSync(d, { recursive: true }); return d };

        it("a pid file named to forge records is skipped: no fake guest, no fake threads", () => {
            proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"]] });
            fs.writeFileSync(path.join(root, "run", "victim.pid"), "100");
            const forged = "x\nC\tsystem\nG\t1\tvictim\nT\t555\t0-7\tw";
            for (const dir of [path.join(root, "run"), sessionRun()])
                fs.writeFileSync(path.join(dir, forged + ".pid"), "1");
            const snap = snapshotParse(read("-s", path.join(root, "session-run"), "-u", "1001"));
            expect([...snap.guests.keys()]).toEqual(["victim"]);
            expect(snap.guests.get("victim")!.pid).toBe(100);
            expect(guestThreads(snap, "victim")!.map(t => t.tid)).toEqual([100]);
            expect(snap.sessionGuests.size).toBe(0);
            expect(snap.problems).toEqual([]);
        });

        it("a FIFO or a symlink among the pid files is not read (the reader does not block)", () => {
            proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"]] });
            fs.writeFileSync(path.join(root, "run", "real.pid"), "100");
            execFileSync("mkfifo", [path.join(root, "run", "hang.pid")]);
            fs.writeFileSync(path.join(root, "secret"), "100");
            fs.symlinkSync(path.join(root, "secret"), path.join(root, "run", "link.pid"));
            const snap = snapshotParse(read());
            expect([...snap.guests.keys()]).toEqual(["real"]);
            expect(snap.skipped).toEqual([]);
        });

        it("a user's process named vhost-PID is no kernel worker of that guest", () => {
            proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"]] });
            proc(140, "vhost-100", "0-3", { uid: 1001 });
            proc(141, "vhost-100", "1", { kthread: true });
            fs.writeFileSync(path.join(root, "run", "g.pid"), "100");
            const snap = snapshotParse(read());
            expect(snap.kernelThreads.map(t => t.tid)).toEqual([141]);
            expect(guestThreads(snap, "g")!.map(t => t.tid)).toEqual([100, 141]);
        });

        it("Linux 6.4 and later: vhost workers (multiqueue) are threads of the guest's own process", () => {
            proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"], [101, "CPU 0/KVM", "1"], [150, "vhost-100", "1"], [151, "vhost-100", "1"]] });
            fs.writeFileSync(path.join(root, "run", "g.pid"), "100");
            const snap = snapshotParse(read());
            expect(snap.kernelThreads).toEqual([]);
            expect(guestThreads(snap, "g")!.filter(t => t.role.kind === "vhost").map(t => [t.tid, t.role])).toEqual([
                [150, { kind: "vhost", kernelThread: false }], [151, { kind: "vhost", kernelThread: false }],
            ]);
        });

        it("a guest name with a tab or a backslash, and a thread name with a newline, stay whole and harmless", () => {
            proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"], [101, "x\nG\t1\tfake", "1"]] });
            fs.writeFileSync(path.join(root, "run", "tab\there \\ too.pid"), "100");
            fs.writeFileSync(path.join(root, "run", "gone\tgone.pid"), "4343");
            const snap = snapshotParse(read());
            expect([...snap.guests.keys()]).toEqual(["tab\there \\ too"]);
            expect(guestThreads(snap, "tab\there \\ too")!.map(t => t.comm)).toEqual(["qemu-system-x86", "x"]);
            expect(snap.skipped).toEqual([{ name: "gone\tgone", reason: "ended", connection: "system" }]);
        });

        it("a guest name with bytes that are not UTF-8 arrives whole, as the bridge decodes it (replacement characters)", () => {
            proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"]] });
            fs.writeFileSync(Buffer.concat([Buffer.from(path.join(root, "run") + "/caf"), Buffer.from([0xe9, 0xff]), Buffer.from(".pid")]), "100");
            const out = execFileSync("sh", ["-c", SCRIPT, "numa-placement-reader", path.join(root, "run")], { env: ENV(), timeout: 10000 });
            const snap = snapshotParse(new TextDecoder("utf-8").decode(out));
            expect(snap.problems).toEqual([]);
            expect([...snap.guests.keys()]).toEqual(["caf\ufffd\ufffd"]);
            expect(guestThreads(snap, "caf\ufffd\ufffd")!.map(t => t.tid)).toEqual([100]);
        });

        it("run with -s only (as the user), it reads the session and nothing of the system's", () => {
            proc(100, "qemu-system-x86", "1", { threads: [[100, "qemu-system-x86", "1"]] });
            proc(200, "qemu-system-x86", "5", { uid: 1001, threads: [[200, "qemu-system-x86", "5"]] });
            fs.writeFileSync(path.join(root, "run", "sys.pid"), "100");
            fs.writeFileSync(path.join(sessionRun(), "mine.pid"), "200");
            const snap = snapshotParse(readSession(path.join(root, "session-run"), "1001"));
            expect(snap.guests.size).toBe(0);
            expect([...snap.sessionGuests.keys()]).toEqual(["mine"]);
        });
    });
});
