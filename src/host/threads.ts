// The batched /proc reader: ONE spawn per refresh, whatever the number of guests, with superuser "try".
// The script (threads-reader.sh, bundled as text) is a constant; nothing from libvirt or the user goes into it.
import { snapshotParse, type Snapshot } from "../model/threads";
import READER from "./threads-reader.sh";
import { hostSpawn } from "./spawn";

export const READER_SCRIPT: string = READER;

export async function threadsRead(): Promise<Snapshot> {
    const out = await hostSpawn(["/bin/sh", "-c", READER_SCRIPT, "numa-placement-reader", "/run/libvirt/qemu"], { superuser: "try" });
    return snapshotParse(out);
}
