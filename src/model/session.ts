// Whether the logged-in user has guests of their own (qemu:///session), from the probe the page runs once
// (src/host/session.ts). Its output is one line: UID<TAB>FILES<TAB>RUNDIR, where FILES counts the domain XML
// files in the user's libvirt config directory (defined guests) and run directory (running ones, transient
// included), and RUNDIR is where that user's libvirt keeps NAME.pid files:
// $XDG_RUNTIME_DIR/libvirt/qemu/run, or ~/.cache/libvirt/qemu/run without XDG_RUNTIME_DIR (libvirt's
// virGetUserRuntimeDirectory).

export interface SessionInfo {
    uid: number;
    /** the user has at least one guest defined or running in qemu:///session */
    hasGuests: boolean;
    runDir: string;
}

/** Reads the probe's line; null when it is not one (the page then leaves qemu:///session alone). */
export function sessionParse(text: string): SessionInfo | null {
    const m = /^(\d+)\t(\d+)\t(\/.*)$/.exec(text.replace(/\n$/, ""));
    if (!m) return null;
    return { uid: Number(m[1]), hasGuests: Number(m[2]) > 0, runDir: m[3]! };
}
