"""scapy's traceroute() for the netreport tests and benchmark, run inside the probe namespace:
  ip netns exec nrt-x-p /usr/bin/python3 scapy_trace.py <targets,> <ports,> <maxttl> <timeout s>
Prints {"answered": [{target, port, ttl, address, kind}], "unanswered": [{target, port, ttl}],
"elapsedMs"} where kind is what TracerouteResult.show() prints: TCP flags or the ICMP type."""
import json
import sys
import time

from scapy.all import ICMP, IP, TCP, conf, traceroute

conf.verb = 0
targets = sys.argv[1].split(",")
ports = [int(p) for p in sys.argv[2].split(",")]
maxttl = int(sys.argv[3])
timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 2
t0 = time.perf_counter()
ans, unans = traceroute(targets, dport=ports, maxttl=maxttl, timeout=timeout, retry=-2, verbose=0)
elapsed = (time.perf_counter() - t0) * 1000
rows = []
for s, r in ans:
    if r.haslayer(TCP):
        kind = str(r[TCP].flags)
    elif r.haslayer(ICMP):
        kind = str(r[ICMP].type)
    else:
        kind = "?"
    rows.append({"target": s[IP].dst, "port": s[TCP].dport, "ttl": s[IP].ttl, "address": r[IP].src, "kind": kind})
silent = [{"target": s[IP].dst, "port": s[TCP].dport, "ttl": s[IP].ttl} for s in unans]
print(json.dumps({"answered": rows, "unanswered": silent, "elapsedMs": elapsed}))
