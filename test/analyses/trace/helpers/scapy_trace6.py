"""scapy's traceroute6() for the netreport tests, run inside the probe namespace:
  ip netns exec nrt-x-p /usr/bin/python3 scapy_trace6.py <targets,> <ports,> <maxttl> <timeout s>
Prints {"answered": [{target, port, ttl, address, kind, code}], "unanswered": [{target, port, ttl}],
"elapsedMs"} where kind is what TracerouteResult6.show() prints: TCP flags or the ICMPv6 type
(3 time exceeded, 1 unreachable, whose code comes separately)."""
import json
import sys
import time

from scapy.all import IPv6, TCP, conf
from scapy.layers.inet6 import ICMPv6DestUnreach, ICMPv6TimeExceeded, IPerror6, TCPerror, traceroute6

conf.verb = 0
targets = sys.argv[1].split(",")
ports = [int(p) for p in sys.argv[2].split(",")]
maxttl = int(sys.argv[3])
timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 2
t0 = time.perf_counter()
ans, unans = traceroute6(targets, dport=ports, maxttl=maxttl, timeout=timeout, retry=-2, verbose=0)
elapsed = (time.perf_counter() - t0) * 1000
rows = []
for s, r in ans:
    code = None
    if r.haslayer(ICMPv6TimeExceeded):
        kind = "3"
    elif r.haslayer(ICMPv6DestUnreach):
        kind, code = "1", int(r[ICMPv6DestUnreach].code)
    elif r.haslayer(TCP):
        kind = str(r[TCP].flags)
    else:
        kind = "?"
    rows.append({"target": s[IPv6].dst, "port": s[TCP].dport, "ttl": s[IPv6].hlim, "address": r[IPv6].src, "kind": kind, "code": code})
silent = [{"target": s[IPv6].dst, "port": s[TCP].dport, "ttl": s[IPv6].hlim} for s in unans]
print(json.dumps({"answered": rows, "unanswered": silent, "elapsedMs": elapsed}))
