// Keeps cockpit-ws's one local-session bridge alive: with --local-session, cockpit-ws kills the bridge about
// 15 s after the last websocket closes and never starts another. This holds one websocket open for the life
// of the lab, answering the protocol's init and ping; it reconnects if cockpit-ws drops it.
const URL = process.env.COCKPIT_SOCKET ?? "ws://127.0.0.1:9090/cockpit/socket";

function connect() {
    const ws = new WebSocket(URL, { protocols: ["cockpit1"], headers: { Origin: `http://${new globalThis.URL(URL).host}` } });
    ws.onmessage = ev => {
        const text = String(ev.data);
        const nl = text.indexOf("\n");
        if (nl < 0 || text.slice(0, nl) !== "")
            return; // only the control channel ("" + newline + JSON) matters
        const msg = JSON.parse(text.slice(nl + 1));
        if (msg.command === "init")
            ws.send('\n' + JSON.stringify({ command: "init", version: 1, host: "localhost" }));
        else if (msg.command === "ping")
            ws.send('\n' + JSON.stringify({ command: "pong" }));
    };
    ws.onopen = () => console.log("connected to", URL);
    ws.onclose = () => { console.log("closed; reconnecting in 2 s"); setTimeout(connect, 2000) };
    ws.onerror = ev => console.log("error:", ev.message ?? "websocket error");
}

connect();
