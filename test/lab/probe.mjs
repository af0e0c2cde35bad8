// Lab helper: `probe.mjs socket PATH` or `probe.mjs http URL` exits 0 when something answers there.
import net from "node:net";

const [kind, target] = process.argv.slice(2);
const done = ok => process.exit(ok ? 0 : 1);
setTimeout(() => done(false), 3000);

if (kind === "socket") {
    const s = net.connect({ path: target });
    s.on("connect", () => { s.end(); done(true) });
    s.on("error", () => done(false));
} else if (kind === "http") {
    fetch(target).then(() => done(true), () => done(false));
} else {
    console.error("usage: probe.mjs socket PATH | http URL");
    done(false);
}
