import { describe, expect, it } from "vitest";
import { affinityMoved } from "../../src/model/affinitywatch";
import { snapshotParse } from "../../src/model/threads";
import { fixture, snapshotOf } from "./fixtures";

// the Linux 6.4+ fixture (a 2-vCPU guest with its vhost worker inside QEMU's process), read again after a change
const before = () => snapshotOf("linux-6.4-vhost-inside");
const after = (edit: (text: string) => string) => snapshotParse(edit(fixture("snapshots/linux-6.4-vhost-inside.txt")));

describe("affinityMoved", () => {
    it("is true when a thread of the same process is allowed other CPUs (a live emulatorpin no signal announced)", () => {
        expect(affinityMoved(before(), after(t => t.replace("T\t4242\t0-23\t", "T\t4242\t1,3,5,7,9,11\t")))).toBe(true);
        // the in-process vhost worker alone (taskset on it) counts too
        expect(affinityMoved(before(), after(t => t.replace("T\t4247\t0-23\t", "T\t4247\t1,3\t")))).toBe(true);
    });

    it("is false for the same CPUs written differently, new or ended threads, a restarted guest, or no earlier read", () => {
        expect(affinityMoved(before(), before())).toBe(false);
        expect(affinityMoved(before(), after(t => t.replace("T\t4242\t0-23\t", "T\t4242\t0-11,12-23\t")))).toBe(false);
        expect(affinityMoved(before(), after(t => `${t.replace(/^T\t4249.*\n?/m, "")}T\t4250\t5\tworker\n`))).toBe(false);
        // a new process (the guest restarted) has other threads: its definition is read on the lifecycle event
        expect(affinityMoved(before(), after(t => t.replaceAll("4242", "5242").replace("T\t5242\t0-23\t", "T\t5242\t1\t")))).toBe(false);
        expect(affinityMoved(null, before())).toBe(false);
    });
});
