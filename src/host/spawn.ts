// The one place that spawns processes on the host. argv arrays only: no data is ever put into a shell string.
// Every spawn has a timeout: a process that has not finished by then is closed (the bridge ends it) and the
// promise rejects with a SpawnTimeout.

let spawnCount = 0;

/** How many processes this page has spawned since it loaded (shown to tests as data-spawns). */
export const hostSpawnCount = (): number => spawnCount;

export const SPAWN_TIMEOUT_MS = 60000;

export class SpawnTimeout extends Error {
    readonly seconds: number;
    constructor(seconds: number) {
        super(`did not finish in ${seconds} s`);
        this.name = "SpawnTimeout";
        this.seconds = seconds;
    }
}

export function hostSpawn(argv: string[], options: cockpit.SpawnOptions = {}, timeoutMs = SPAWN_TIMEOUT_MS): Promise<string> {
    spawnCount++;
    const proc = cockpit.spawn(argv, { err: "message", ...options });
    let timedOut = false;
    const timer = window.setTimeout(() => { timedOut = true; proc.close("timeout") }, timeoutMs);
    return proc.then(
        out => { window.clearTimeout(timer); return out },
        e => { window.clearTimeout(timer); throw timedOut ? new SpawnTimeout(Math.round(timeoutMs / 1000)) : e });
}
