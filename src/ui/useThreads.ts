// Live thread truth: the /proc snapshot, read by one spawn per refresh, every few seconds while the page is
// visible (never while it is hidden), and at once when asked (after a libvirt event).
import { useCallback, useEffect, useRef, useState } from "react";
import { SpawnTimeout, hostSpawnCount } from "../host/spawn";
import { threadsAdminSet, threadsRead } from "../host/threads";
import { RUN_HISTORY } from "../model/cputime";
import { COUNTER_SAMPLES, counterSample, type CounterSample } from "../model/numastat";
import { snapshotMemoryCarry } from "../model/snapshots";
import type { Snapshot } from "../model/threads";

export const THREADS_REFRESH_MS = 3000;
/** every how many reads the memory per node is read too (it walks each guest's address space) */
export const MEMORY_EVERY = 5;

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
    const running = useRef(false);
    const again = useRef(false);
    const alive = useRef(true);
    const reads = useRef(0);
    const last = useRef<Snapshot | null>(null);

    const refresh = useCallback(() => {
        // one read at a time: a refresh asked for during a read runs right after it
        if (running.current) { again.current = true; return }
        running.current = true;
        // the first read has memory, then every MEMORY_EVERY-th; the others carry the last memory over
        const memory = reads.current++ % MEMORY_EVERY === 0;
        threadsRead({ memory }).then(
            snapshot => ({ snapshot: (last.current = snapshotMemoryCarry(last.current, snapshot)), error: null }),
            (e: unknown): { snapshot: null; error: ThreadsError } => ({
                snapshot: null,
                error: e instanceof SpawnTimeout ? { kind: "timeout", seconds: e.seconds } : { kind: "failed", message: (e as cockpit.BasicError).message || String(e) },
            }),
        ).then(({ snapshot, error }) => {
            running.current = false;
            if (!alive.current) return;
            // counted now: the updater below may run after the next read (asked for meanwhile) has spawned
            const spawns = hostSpawnCount();
            setState(s => ({
                snapshot: snapshot ?? s.snapshot,
                history: snapshot ? [...s.history, snapshot].slice(-RUN_HISTORY) : s.history,
                counters: snapshot && counterSample(snapshot) ? [...s.counters, counterSample(snapshot)!].slice(-COUNTER_SAMPLES) : s.counters,
                error, refreshes: s.refreshes + 1, spawns,
            }));
            if (again.current) { again.current = false; refresh() }
        });
    }, []);

    useEffect(() => {
        alive.current = true;
        let timer: number | null = null;
        const arm = () => {
            if (timer !== null) window.clearInterval(timer);
            timer = null;
            if (!cockpit.hidden) {
                refresh();
                timer = window.setInterval(refresh, THREADS_REFRESH_MS);
            }
        };
        arm();
        cockpit.addEventListener("visibilitychange", arm);
        return () => {
            alive.current = false;
            cockpit.removeEventListener("visibilitychange", arm);
            if (timer !== null) window.clearInterval(timer);
        };
    }, [refresh]);

    return { ...state, refresh };
}
