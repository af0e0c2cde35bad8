// The batched /proc reader: ONE spawn per refresh, whatever the number of guests, with superuser "try".
// The script (threads-reader.sh, bundled as text) is a constant; nothing from libvirt or the user goes into it.
import { snapshotParse, type Snapshot } from "../model/threads";
import READER from "./threads-reader.sh";
import { sessionProbe } from "./session";
import { hostSpawn } from "./spawn";

/** Reads qemu:///system's guests, and the user's qemu:///session guests when the user has some. */
export async function threadsRead(): Promise<Snapshot> {
    const session = await sessionProbe();
    const sessionArgs = session?.hasGuests ? ["-s", session.runDir, "-u", String(session.uid)] : [];
    const out = await hostSpawn(["/bin/sh", "-c", READER, "numa-placement-reader", ...sessionArgs, "/run/libvirt/qemu"],
                                { superuser: "try" });
    return snapshotParse(out);
}
