// One read at a time, never one forever, and never reading all the time. A refresh asked for while a read runs (after
// a change or a libvirt event) is queued to run right after it; the periodic tick is paced instead: after a read
// that took T, ticks start none for T * (1 - busyShare) / busyShare, so that the reads keep the host busy at most
// busyShare of the time however slow they get (a loaded or emulated host: in the NUMA lab a read takes seconds,
// and back to back they kept the lab's CPUs busy and every command inside it several times slower). A read still running
// after `stuckMs` (longer than every timeout of the spawns it is made of, so it should not happen) is given up:
// the next refresh starts a new read, and the old one's result, if it ever comes, is ignored.
// (In the Debian 12 NUMA lab the page once showed no threads for as long as it stayed open, no read ever ended and
// no problem was shown: a read that never ended is one way that can happen.)

export class ReadGate {
    private running: { id: number; since: number } | null = null;
    private last = 0;
    private queued = false;
    private restUntil = -Infinity;

    constructor(private readonly stuckMs: number, private readonly busyShare = 0.25) {}

    /** A read may start now: its id, and whether a read still running was given up for it. null when one runs
     *  (a refresh then runs after it, a paced tick not at all) or, for a paced tick, while the host rests. */
    start(now: number, paced = false): { id: number; gaveUp: boolean } | null {
        if (this.running && now - this.running.since < this.stuckMs) {
            if (!paced) this.queued = true;
            return null;
        }
        if (paced && !this.running && now < this.restUntil) return null;
        const gaveUp = this.running !== null;
        this.running = { id: ++this.last, since: now };
        return { id: this.running.id, gaveUp };
    }

    /** A read ended. current: its result counts (not for a read given up); again: a refresh was asked for meanwhile. */
    end(id: number, now: number): { current: boolean; again: boolean } {
        if (this.running?.id !== id) return { current: false, again: false };
        this.restUntil = now + (now - this.running.since) * (1 - this.busyShare) / this.busyShare;
        this.running = null;
        const again = this.queued;
        this.queued = false;
        return { current: true, again };
    }
}
