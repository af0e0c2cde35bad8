// Live thread truth: the /proc snapshot, read by one spawn per refresh, every few seconds while the page is
// visible (never while it is hidden; less often when reads are slow: model/readgate.ts), and at once when asked
// (after a libvirt event).
import { useCallback, useEffect, useRef, useState } from "react";
import { SpawnTimeout, hostSpawnCount } from "../host/spawn";
import { READER_TIMEOUT_MS, threadsAdminSet, threadsRead } from "../host/threads";
import { RUN_HISTORY } from "../model/cputime";
import { COUNTER_SAMPLES, counterSample, type CounterSample } from "../model/numastat";
import { ReadGate } from "../model/readgate";
import { snapshotMemoryCarry } from "../model/snapshots";
import type { Snapshot } from "../model/threads";

export const THREADS_REFRESH_MS = 3000;
/** every how many reads the memory per node is read too (it walks each guest's address space) */
export const MEMORY_EVERY = 5;
/** a read still running after this is given up (its spawns, the reader and the session probe, each end in READER_TIMEOUT_MS) */
export const READ_STUCK_MS = 2 * READER_TIMEOUT_MS + 15000;

export type ThreadsError = { kind: "timeout"; seconds: number } | { kind: "failed"; message: string };

export interface ThreadsState {
    snapshot: Snapshot | null;
    /** the last reads, oldest first, the latest last: CPU % and where threads ran come from them */
    history: readonly Snapshot[];
    /** the nodes' allocation counters of every read while the page was open (the last COUNTER_SAMPLES) */
    counters: readonly CounterSample[];
    error: ThreadsError | null;
    refreshes: number;
    spawns: number;
}

/** admin: the page's administrative access (the reader runs as root only with it, and never over the user's files) */
export function useThreads(admin: boolean | null): ThreadsState & { refresh: () => void } {
    useEffect(() => threadsAdminSet(admin), [admin]);
    const [state, setState] = useState<ThreadsState>({ snapshot: null, history: [], counters: [], error: null, refreshes: 0, spawns: 0 });
    const gate = useRef(new ReadGate(READ_STUCK_MS));
    const alive = useRef(true);
    const reads = useRef(0);
    const last = useRef<Snapshot | null>(null);

    // paced: the periodic tick, which waits while the host rests after a slow read
    const read = useCallback((paced: boolean) => {
        // one read at a time: a refresh asked for during a read runs right after it
        const started = gate.current.start(Date.now(), paced);
        if (started === null) return;
        const { id } = started;
        if (started.gaveUp && alive.current) {
            const seconds = Math.round(READ_STUCK_MS / 1000);
            setState(s => ({ ...s, error: { kind: "timeout", seconds }, refreshes: s.refreshes + 1 }));
        }
        // the first read has memory, then every MEMORY_EVERY-th; the others carry the last memory over
        const memory = reads.current++ % MEMORY_EVERY === 0;
        const failed = (e: unknown): { snapshot: null; error: ThreadsError } => ({
            snapshot: null,
            error: e instanceof SpawnTimeout ? { kind: "timeout", seconds: e.seconds } : { kind: "failed", message: (e as cockpit.BasicError).message || String(e) },
        });
        threadsRead({ memory }).then(
            snapshot => ({ snapshot: (last.current = snapshotMemoryCarry(last.current, snapshot)), error: null }),
            failed,
        // (a fault in taking the read in is shown as its failure: nothing may leave the reads stopped for good)
        ).catch(failed).then(({ snapshot, error }) => {
            const { current, again } = gate.current.end(id, Date.now());
            if (!current || !alive.current) return;
            // counted now: the updater below may run after the next read (asked for meanwhile) has spawned
            const spawns = hostSpawnCount();
            setState(s => ({
                snapshot: snapshot ?? s.snapshot,
                history: snapshot ? [...s.history, snapshot].slice(-RUN_HISTORY) : s.history,
                counters: snapshot && counterSample(snapshot) ? [...s.counters, counterSample(snapshot)!].slice(-COUNTER_SAMPLES) : s.counters,
                error, refreshes: s.refreshes + 1, spawns,
            }));
            if (again) read(false);
        });
    }, []);
    const refresh = useCallback(() => read(false), [read]);

    useEffect(() => {
        alive.current = true;
        let timer: number | null = null;
        // no read while the page is hidden; the interval still ticks then, so that a visibility event that never
        // comes cannot stop the reads for good (the tick is all it costs)
        const tick = () => { if (!cockpit.hidden) read(true) };
        const arm = () => {
            if (timer !== null) window.clearInterval(timer);
            timer = window.setInterval(tick, THREADS_REFRESH_MS);
            tick();
        };
        arm();
        cockpit.addEventListener("visibilitychange", arm);
        return () => {
            alive.current = false;
            cockpit.removeEventListener("visibilitychange", arm);
            if (timer !== null) window.clearInterval(timer);
        };
    }, [read]);

    return { ...state, refresh };
}
