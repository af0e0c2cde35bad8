// useThreads' wiring of the read gate (model/readgate.ts, tested on its own in readgate.test.ts): the periodic tick
// is paced after a slow read, a refresh asked for (after a change or a libvirt event) is not. The host's reader is
// replaced by reads this test ends by hand, on fake timers; React renders the hook in jsdom.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import React, { act } from "react";
import { createRoot, type Root } from "react-dom/client";

const reads: { resolve: (s: unknown) => void }[] = [];
vi.mock("../../src/host/threads", () => ({
    READER_TIMEOUT_MS: 60000,
    threadsAdminSet: () => undefined,
    threadsRead: () => new Promise(resolve => { reads.push({ resolve }) }),
}));
vi.mock("../../src/host/spawn", () => ({ SpawnTimeout: class extends Error {}, hostSpawnCount: () => 0 }));

const { useThreads, THREADS_REFRESH_MS } = await import("../../src/ui/useThreads");

// a host with no guests running
const snapshot = { guests: new Map(), sessionGuests: new Map(), kernelThreads: [], skipped: [], problems: [] };
let hook: ReturnType<typeof useThreads>;
// Cockpit's page visibility, as the shell tells it (cockpit.hidden and its visibilitychange event)
const page = { hidden: false, listeners: new Set<() => void>() };
function Probe(): null { hook = useThreads(true); return null }

describe("useThreads paces its tick, not a refresh asked for", () => {
    let root: Root;
    beforeEach(() => {
        (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
        page.hidden = false;
        page.listeners.clear();
        (globalThis as unknown as { cockpit: unknown }).cockpit = {
            get hidden() { return page.hidden },
            addEventListener: (_: string, f: () => void) => page.listeners.add(f),
            removeEventListener: (_: string, f: () => void) => page.listeners.delete(f),
        };
        vi.useFakeTimers();
        reads.length = 0;
        root = createRoot(document.createElement("div"));
        act(() => root.render(React.createElement(Probe)));
    });
    afterEach(() => { act(() => root.unmount()); vi.useRealTimers() });

    const advance = async (ms: number) => { await act(async () => { await vi.advanceTimersByTimeAsync(ms) }) };
    const end = async (i: number) => { await act(async () => { reads[i]!.resolve(snapshot); await Promise.resolve() }) };

    it("reads at once, and after a read that took 6 s its ticks wait 18 s before the next", async () => {
        expect(reads).toHaveLength(1);
        await advance(6000);
        expect(reads).toHaveLength(1); // ticks during a read start none and are not queued
        await end(0);
        expect(hook.refreshes).toBe(1);
        await advance(18000 - THREADS_REFRESH_MS);
        expect(reads).toHaveLength(1);
        await advance(2 * THREADS_REFRESH_MS);
        expect(reads).toHaveLength(2);
    });

    it("a refresh asked for while the host rests reads at once, and one asked for during a read right after it", async () => {
        await advance(6000);
        await end(0);
        await advance(THREADS_REFRESH_MS);
        expect(reads).toHaveLength(1);
        act(() => hook.refresh());
        expect(reads).toHaveLength(2);
        act(() => hook.refresh());
        expect(reads).toHaveLength(2);
        await end(1);
        expect(reads).toHaveLength(3);
    });

    it("reads nothing while the page is hidden, and at once when it is shown again", async () => {
        await end(0);
        page.hidden = true;
        await advance(10 * THREADS_REFRESH_MS);
        expect(reads).toHaveLength(1);
        page.hidden = false;
        act(() => page.listeners.forEach(f => f()));
        expect(reads).toHaveLength(2);
    });
});
