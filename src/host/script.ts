// The thread reader as sh runs it: the device reader's functions, then the thread reader, inside one function whose
// records are written at once when it is done. Printed record by record, a read of 40 guests was some 400 writes,
// each one a message through the bridge, the shell and the page while the page was busiest (make bench: ~0.2 s of
// a fresh load). The texts are the project's own constants; nothing from a guest or a user goes into them.
export function readerScript(devices: string, threads: string): string {
    return [
        "numa_placement_read() {",
        devices,
        threads,
        "}",
        // the dot keeps the records' last newline, which $(...) would drop
        'snapshot=$(numa_placement_read "$@"; echo .)',
        "printf '%s' \"${snapshot%.}\"",
        "",
    ].join("\n");
}
