#!/usr/bin/env python3
"""A userspace delay hop for the scan benchmark (this kernel has no netem).

Opens TUN device NAME in the current network namespace and writes every packet it reads back
into the kernel DELAY_MS later. The router namespace sends forwarded packets into the TUN
device (policy routing by input interface) and routes what comes back out normally, so each
direction crosses the hop once: a round trip gains 2 x DELAY_MS.

Python because creating a TUN device needs the TUNSETIFF ioctl, which Node cannot issue
without a native add-on. Prints "ready" once the device exists; runs until killed.

usage: delay-hop.py NAME DELAY_MS
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


def main() -> None:
    name, delay = sys.argv[1], float(sys.argv[2]) / 1000.0
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    print("ready", flush=True)
    queue: list = []  # (due, seq, packet); seq keeps packet order among equal due times
    seq = 0
    while True:
        timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else None
        readable, _, _ = select.select([fd], [], [], timeout)
        if readable:
            while True:
                try:
                    packet = os.read(fd, 65535)
                except BlockingIOError:
                    break
                heapq.heappush(queue, (time.monotonic() + delay, seq, packet))
                seq += 1
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            try:
                os.write(fd, heapq.heappop(queue)[2])
            except BlockingIOError:
                pass  # the kernel's queue is full: the packet is lost, as on a congested link


if __name__ == "__main__":
    main()
