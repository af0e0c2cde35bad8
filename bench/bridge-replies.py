#!/usr/bin/python3
# Does a Cockpit bridge keep memory for what it passes on? Starts its own cockpit-bridge on a pipe (as cockpit-ws
# does), speaks Cockpit's protocol to it and makes the same request many times (a D-Bus call to libvirt-dbus on the
# system bus, a file read, a spawn): the bridge's resident memory after some warm-up calls and after K more, for
# each call in turn, each in a bridge of its own. Python, not Node, so that it runs unchanged on a Debian 12 host
# and inside the NUMA lab (Debian 13), neither of which needs anything installed for it.
#
#   python3 bench/bridge-replies.py [K [WHAT...]]   (as root, libvirt-dbus reachable; one JSON line per call)
# K calls after the warm-up (500); WHAT: only these (a method name, "fsread1" or "spawn"), else all. Each line has
# the bridge's RSS ten times along the K calls ("trend"), which tells growth that levels off from growth that does not.
#
# Found by the soak: Cockpit 287's bridge kept about 9 KiB of every GetAllDomainStats reply (README, Benchmark).
import json
import os
import select
import subprocess
import sys
import time

K = int(sys.argv[1]) if len(sys.argv) > 1 else 500
WARM = 100
TIMEOUT = 30  # seconds for any one reply
CONNECT = ["/org/libvirt/QEMU", "org.libvirt.Connect"]
DOMAIN = [None, "org.libvirt.Domain"]  # None: the first running guest's object path
MEMINFO = "/sys/devices/system/node/node0/meminfo"
# what the page asks the bridge for again and again: D-Bus calls on one channel, and channels of their own
CALLS = [
    ("dbus", CONNECT, "GetAllDomainStats", [1, 0]),  # VIR_DOMAIN_STATS_STATE: the guests' states until fdc7c9d
    ("dbus", CONNECT, "ListDomains", [0]),           # every guest (each load)
    ("dbus", CONNECT, "ListDomains", [16]),          # the running ones (VIR_CONNECT_LIST_DOMAINS_RUNNING; every 5 s)
    ("dbus", DOMAIN, "GetState", [0]),               # a guest in none of the state lists (every 5 s)
    ("dbus", CONNECT, "NodeGetMemoryStats", [0, 0]),  # node 0's memory
    ("dbus", DOMAIN, "GetXMLDesc", [0]),             # a running guest's live XML (each load)
    ("fsread1", MEMINFO),                            # node 0's memory from the kernel, as a file channel
    ("spawn", ["cat", MEMINFO]),                     # the same through a process (as the page's reader runs)
]
class Bridge:
    def __init__(self):
        self.proc = subprocess.Popen(["cockpit-bridge"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.buf = b""

    def send(self, channel, msg):
        data = (channel + "\n" + json.dumps(msg)).encode()
        self.proc.stdin.write(str(len(data)).encode() + b"\n" + data)
        self.proc.stdin.flush()

    def frame(self):
        deadline = time.monotonic() + TIMEOUT
        while True:
            nl = self.buf.find(b"\n")
            if nl >= 0:
                size = int(self.buf[:nl])
                if len(self.buf) >= nl + 1 + size:
                    data = self.buf[nl + 1:nl + 1 + size]
                    self.buf = self.buf[nl + 1 + size:]
                    channel, _, payload = data.partition(b"\n")
                    return channel.decode(), payload  # JSON on the control channel and a D-Bus one
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                raise TimeoutError("the bridge did not answer within %d s" % TIMEOUT)
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                raise EOFError("the bridge closed its output")
            self.buf += chunk

    def until(self, test):
        while True:
            channel, payload = self.frame()
            msg = json.loads(payload)
            if test(channel, msg):
                return msg

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))

    def close(self):
        self.proc.kill()  # the bridge this script started, by its PID
        self.proc.wait()


def one_call(bridge, call, guest, n):
    """one request, as the page makes it; the answer's size in bytes"""
    if call[0] == "dbus":
        _, (path, iface), method, args = call
        if n == 0:
            bridge.send("", {"command": "open", "channel": "d", "payload": "dbus-json3", "bus": "system",
                             "name": "org.libvirt"})
        bridge.send("d", {"call": [path or guest, iface, method, args], "id": str(n)})
        reply = bridge.until(lambda ch, m: ch == "d" and m.get("id") == str(n))
        if "error" in reply:
            raise RuntimeError("%s: %s" % (method, reply["error"]))
        return len(json.dumps(reply))
    channel = "c%d" % n
    options = {"payload": "fsread1", "path": call[1]} if call[0] == "fsread1" else \
        {"payload": "stream", "spawn": call[1]}
    bridge.send("", {"command": "open", "channel": channel, **options})
    size = 0
    while True:
        ch, payload = bridge.frame()
        if ch == channel:
            size += len(payload)
            continue
        msg = json.loads(payload) if ch == "" else {}
        if msg.get("channel") == channel and msg.get("command") == "close":
            if msg.get("problem"):
                raise RuntimeError("%s: %s" % (call[0], msg["problem"]))
            return size


def measure(call, guest):
    bridge = Bridge()
    try:
        bridge.until(lambda ch, m: ch == "" and m.get("command") == "init")
        bridge.send("", {"command": "init", "version": 1, "host": "localhost"})
        for n in range(WARM):
            size = one_call(bridge, call, guest, n)
        before = bridge.rss_kib()
        trend = []  # [calls so far, KiB] ten times along the way: does the growth level off?
        for n in range(WARM, WARM + K):
            one_call(bridge, call, guest, n)
            if (n - WARM + 1) % max(1, K // 10) == 0:
                trend.append([n - WARM + 1, bridge.rss_kib()])
        after = bridge.rss_kib()
        return {"what": call[0], "request": call[2] if call[0] == "dbus" else call[1],
                "args": call[3] if call[0] == "dbus" else None, "calls": K, "answerBytes": size,
                "rssBeforeKiB": before, "rssAfterKiB": after, "kibPerCall": round((after - before) / K, 2), "trend": trend}
    finally:
        bridge.close()


def first_running():
    out = subprocess.run(["busctl", "--system", "--json=short", "call", "org.libvirt", CONNECT[0], CONNECT[1],
                          "ListDomains", "u", "16"], capture_output=True, text=True, timeout=TIMEOUT, check=True)
    paths = json.loads(out.stdout)["data"][0]
    if not paths:
        sys.exit("bridge-replies: no guest is running (GetState and GetXMLDesc need one)")
    return paths[0]


ONLY = sys.argv[2:]
guest = first_running()
for call in CALLS:
    if ONLY and call[0] not in ONLY and (call[0] != "dbus" or call[2] not in ONLY):
        continue
    print(json.dumps(measure(call, guest)), flush=True)
