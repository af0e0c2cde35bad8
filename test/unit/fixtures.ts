import { readFileSync } from "node:fs";
import path from "node:path";
import { guestParse } from "../../src/model/guest";
import { snapshotParse } from "../../src/model/threads";
import { topologyParse } from "../../src/model/topology";

// vitest runs from the top of the tree (the jsdom environment replaces URL, so no import.meta.url here)
const dir = path.resolve("test/fixtures") + "/";
export const fixture = (name: string) => readFileSync(dir + name, "utf8");
export const hostOf = (name: string, online?: boolean[]) => topologyParse(fixture(`capabilities/${name}.xml`), online);
export const guestOf = (name: string) => guestParse(fixture(`domains/${name}.xml`));
export const snapshotOf = (name: string) => snapshotParse(fixture(`snapshots/${name}.txt`));
