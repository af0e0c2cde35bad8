// One probe when the page opens: does the logged-in user have qemu:///session guests, and where does their
// libvirt keep its pid files. It runs as the user (never as root: it is about the user's own files), and only
// looks at files: starting libvirt-dbus on the user's session bus would start a session libvirtd too, so the
// page connects there only when the user has guests to show.
import { sessionParse, type SessionInfo } from "../model/session";
import SESSION_PROBE from "./session-probe.sh";
import { hostSpawn } from "./spawn";

let probe: Promise<SessionInfo | null> | null = null;

/** The probe's answer, read once per page load; a failed probe means "no session guests". */
export function sessionProbe(): Promise<SessionInfo | null> {
    probe ??= hostSpawn(["/bin/sh", "-c", SESSION_PROBE, "numa-placement-session"]).then(sessionParse, () => null);
    return probe;
}
