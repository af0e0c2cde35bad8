// One read at a time, and never one forever. A refresh asked for while a read runs is queued to run right after it;
// a read still running after `stuckMs` (longer than every timeout of the spawns it is made of, so it should not
// happen) is given up: the next refresh starts a new read, and the old one's result, if it ever comes, is ignored.
// (In the Debian 12 NUMA lab the page once showed no threads for as long as it stayed open, no read ever ended and
// no problem was shown: a read that never ended is one way that can happen.)

export class ReadGate {
    private running: { id: number; since: number } | null = null;
    private last = 0;
    private queued = false;

    constructor(private readonly stuckMs: number) {}

    /** A read may start now: its id, and whether a read still running was given up for it. null when one runs:
     *  this one then runs after it. */
    start(now: number): { id: number; gaveUp: boolean } | null {
        if (this.running && now - this.running.since < this.stuckMs) {
            this.queued = true;
            return null;
        }
        const gaveUp = this.running !== null;
        this.running = { id: ++this.last, since: now };
        return { id: this.running.id, gaveUp };
    }

    /** A read ended. current: its result counts (not for a read given up); again: a refresh was asked for meanwhile. */
    end(id: number): { current: boolean; again: boolean } {
        if (this.running?.id !== id) return { current: false, again: false };
        this.running = null;
        const again = this.queued;
        this.queued = false;
        return { current: true, again };
    }
}
