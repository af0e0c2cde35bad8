// The batched /proc reader: ONE spawn per refresh, whatever the number of guests. The script (threads-reader.sh,
// bundled as text) is a constant; nothing from libvirt or the user goes into it. It runs as root when the user
// has administrative access, but root never reads a directory the user can write: the user's own qemu:///session
// run directory is then read by a second reader that runs as the user.
import { snapshotMerge } from "../model/snapshots";
import type { SessionInfo } from "../model/session";
import { snapshotParse, type Snapshot } from "../model/threads";
import { pciAddressValid } from "../model/devices";
import DEVICES from "./devices-reader.sh";
import THREADS from "./threads-reader.sh";
import { sessionProbe } from "./session";
import { readerScript } from "./script";
import { hostSpawn } from "./spawn";

// generous: on a loaded or emulated host a read of every thread may take many seconds (the NUMA lab: ~10)
export const READER_TIMEOUT_MS = 60000;
const SYSTEM_RUN = "/run/libvirt/qemu";
// the device reader's functions first, then the reader that calls them
const READER = readerScript(DEVICES, THREADS);

// whether the page has administrative access; unknown counts as maybe
let admin: boolean | null = null;

// the PCI addresses of the guests' <hostdev> devices, whose nodes each read asks for
let pcis: string[] = [];

/** Told by the page when the guests' PCI devices change (addresses checked by the model: pciAddressValid). */
export function threadsPciSet(addresses: string[]): void {
    pcis = addresses.filter(pciAddressValid);
}

/** Told by the page when its administrative access is known or changes. */
export function threadsAdminSet(on: boolean | null): void {
    admin = on;
}

const readerRun = (args: string[], asRootIfAllowed: boolean) =>
    hostSpawn(["/bin/sh", "-c", READER, "numa-placement-reader", ...args], asRootIfAllowed ? { superuser: "try" } : {}, READER_TIMEOUT_MS)
        .then(snapshotParse);

/**
 * Reads qemu:///system's guests, and the user's qemu:///session guests when the user has some; with memory, each
 * guest's resident memory per node too (it walks every guest's address space: the page asks for it less often).
 */
export async function threadsRead({ memory = false }: { memory?: boolean } = {}): Promise<Snapshot> {
    const m = memory ? ["-m"] : [];
    // the devices once, with the system's guests (or alone, for a user without administrative access)
    const d = ["-d", ...pcis.flatMap(p => ["-p", p])];
    const sessionArgs = (session: SessionInfo | null) =>
        session?.hasGuests ? ["-s", session.runDir, "-u", String(session.uid)] : [];
    // without administrative access everything is read as the user, in one spawn
    if (admin === false) return readerRun([...m, ...d, ...sessionArgs(await sessionProbe()), SYSTEM_RUN], false);
    // the system's guests read at once, while the probe says whether the user has guests of their own
    const system = readerRun([...m, ...d, SYSTEM_RUN], true);
    const mine = sessionArgs(await sessionProbe()); // it never fails (a failed probe is "no guests")
    if (!mine.length) return system;
    const [s, u] = await Promise.all([system, readerRun([...m, ...mine], false)]);
    return snapshotMerge(s, u);
}
