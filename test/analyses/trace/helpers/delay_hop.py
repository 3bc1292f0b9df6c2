"""A userspace delay hop (this kernel has no netem): runs inside a router namespace, owns TUN
device <name>, and writes every IPv4 or IPv6 packet the kernel routes into it back after <ms>
milliseconds. The TTL (IPv6: hop limit) is raised by one on the way back (IPv4 checksum
adjusted, RFC 1624; IPv6 has none), because the kernel decrements it once going into the TUN
device and once coming out: without that the router would show up as two hops.
  python3 delay_hop.py <name> <ms>      prints "ready" once the device exists
"""
import fcntl
import heapq
import os
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000

name = sys.argv[1]
delay = float(sys.argv[2]) / 1000.0
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
print("ready", flush=True)

queue = []
seq = 0
while True:
    timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else None
    readable, _, _ = select.select([fd], [], [], timeout)
    if readable:
        pkt = bytearray(os.read(fd, 65535))
        if len(pkt) >= 20 and pkt[0] >> 4 == 4 and pkt[8] < 255:
            # TTL + 1: the 16-bit word TTL|protocol grows by 0x0100; fix the header checksum.
            pkt[8] += 1
            csum = ((pkt[10] << 8) | pkt[11]) ^ 0xFFFF
            csum += 0x0100
            csum = (csum & 0xFFFF) + (csum >> 16)
            csum ^= 0xFFFF
            pkt[10], pkt[11] = csum >> 8, csum & 0xFF
        elif len(pkt) >= 40 and pkt[0] >> 4 == 6 and pkt[7] < 255:
            pkt[7] += 1
        seq += 1
        heapq.heappush(queue, (time.monotonic() + delay, seq, bytes(pkt)))
    now = time.monotonic()
    while queue and queue[0][0] <= now:
        os.write(fd, heapq.heappop(queue)[2])
