// The one place that spawns processes on the host. argv arrays only: no data is ever put into a shell string.

let spawnCount = 0;

/** How many processes this page has spawned since it loaded (shown to tests as data-spawns). */
export const hostSpawnCount = (): number => spawnCount;

export function hostSpawn(argv: string[], options: cockpit.SpawnOptions = {}): cockpit.SpawnPromise {
    spawnCount++;
    return cockpit.spawn(argv, { err: "message", ...options });
}
