/**
 * The raw engine driven through fake effects: /proc text, an interface list and a capture whose
 * `send` answers each probe frame with the reply frame a three-router path would send (built
 * here byte by byte). Covers ARP priming, retries of silent hops, stopping at the destination,
 * EPERM_RAW before any capture opens, and abort; over IPv6, neighbour priming from an empty
 * `ip -6 neigh`, the IPv6 filter, and ICMPv6 time exceeded / SYN-ACK replies.
 */
import { describe, expect, it } from "vitest";
import { rawTrace, type RawEffects } from "../../../src/analyses/trace/raw.js";
import { isNetreportError } from "../../../src/errors.js";

const ROUTE = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t004012C6\t014012C6\t0003\t0\t0\t0\t00C0FFFF\t0\t0\t0\n";
const ARP_HEADER = "IP address       HW type     Flags       HW address            Mask     Device\n";
const ARP_R1 = "198.18.64.1      0x1         0x2         02:00:00:00:00:01     *        eth0\n";
const PATH = ["198.18.64.1", "198.18.65.2", "198.18.66.2"];
const ipBytes = (s: string) => s.split(".").map(Number);

/** An Ethernet/IPv4 reply from `src` to the probe host carrying `payload` (protocol `proto`). */
function ipv4(src: string, proto: number, payload: Buffer): Buffer {
  const f = Buffer.alloc(34 + payload.length);
  f.writeUInt16BE(0x0800, 12);
  f[14] = 0x45;
  f.writeUInt16BE(20 + payload.length, 16);
  f[22] = 64;
  f[23] = proto;
  f.set(ipBytes(src), 26);
  f.set(ipBytes("198.18.64.2"), 30);
  payload.copy(f, 34);
  return f;
}

/** The reply the lab path gives to `probe` (a frame from buildProbe), or null for silence. */
function answer(probe: Buffer, silentOnce: Set<string>): Buffer | null {
  const ttl = probe[22]!;
  const dst = [...probe.subarray(30, 34)].join(".");
  const dport = probe.readUInt16BE(36);
  if (ttl <= PATH.length) {
    const router = PATH[ttl - 1]!;
    const key = `${dst}|${dport}|${ttl}`;
    // r2 drops the first probe of each path: only the retry round gets an answer.
    if (ttl === 2 && !silentOnce.has(key)) {
      silentOnce.add(key);
      return null;
    }
    const icmp = Buffer.alloc(8 + 28);
    icmp[0] = 11;
    probe.copy(icmp, 8, 14, 14 + 28);
    return ipv4(router, 1, icmp);
  }
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(dport, 0);
  tcp.writeUInt16BE(probe.readUInt16BE(34), 2);
  tcp.writeUInt32BE(12345, 4);
  tcp.writeUInt32BE((probe.readUInt32BE(38) + 1) >>> 0, 8);
  tcp[12] = 5 << 4;
  tcp[13] = dport === 80 ? 0x12 : 0x14;
  return ipv4(dst, 6, tcp);
}

function fakeWorld(opts: { capEff?: string } = {}) {
  let arp = ARP_HEADER;
  const log = { primed: 0, opened: [] as string[], sent: 0 };
  const silentOnce = new Set<string>();
  const fx: RawEffects = {
    readFile: async (p) => ({ "/proc/net/route": ROUTE, "/proc/net/arp": arp, "/proc/self/status": `CapEff:\t${opts.capEff ?? "000001ffffffffff"}\n` })[p] ?? "",
    interfaces: () => ({ eth0: [{ address: "198.18.64.2", netmask: "255.255.255.0", family: "IPv4", mac: "02:00:00:00:00:02", internal: false }] }),
    openCapture(iface, filter, onFrame) {
      log.opened.push(`${iface} ${filter}`);
      return {
        linkType: 1,
        send(frame) {
          log.sent++;
          expect([...frame.subarray(0, 6)]).toEqual([2, 0, 0, 0, 0, 1]);
          const reply = answer(Buffer.from(frame), silentOnce);
          if (reply) setTimeout(() => onFrame(reply, reply.length), 2);
        },
        close() {},
      };
    },
    neighbours6: async () => "",
    primeNeighbour: async () => {
      log.primed++;
      arp = ARP_HEADER + ARP_R1;
    },
    now: () => performance.now(),
    random16: () => 0x4242,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
  return { fx, log };
}

const rows = (hops: Awaited<ReturnType<typeof rawTrace>>["hops"]) => hops.map((h) => `${h.target}:${h.port} ${h.ttl} ${h.address ?? "*"} ${h.kind} ${h.rtts.map((r) => (r === null ? "*" : "x")).join("")}`);

describe("rawTrace with fake effects", () => {
  it("primes ARP, sends every TTL at once, retries the silent hop and stops at the target", async () => {
    const { fx, log } = fakeWorld();
    const r = await rawTrace({ targets: ["198.18.67.2"], ports: [80, 443], maxTtl: 8, timeoutMs: 500 }, fx);
    expect(log.primed).toBe(1);
    expect(log.opened).toEqual(["eth0 (icmp and (icmp[0] = 11 or icmp[0] = 3) and icmp[17] = 6 and icmp[32:2] = 16962) or (tcp and dst port 49962 and tcp[8:2] = 16962)"]);
    expect(rows(r.hops)).toEqual([
      "198.18.67.2:80 1 198.18.64.1 11 x",
      "198.18.67.2:80 2 198.18.65.2 11 *x",
      "198.18.67.2:80 3 198.18.66.2 11 x",
      "198.18.67.2:80 4 198.18.67.2 SA x",
      "198.18.67.2:443 1 198.18.64.1 11 x",
      "198.18.67.2:443 2 198.18.65.2 11 *x",
      "198.18.67.2:443 3 198.18.66.2 11 x",
      "198.18.67.2:443 4 198.18.67.2 RA x",
    ]);
    // 2 ports × 8 TTLs, then one retry per port for hop 2.
    expect(r.probesSent).toBe(18);
    expect(r.source).toBe("198.18.64.2");
  });

  it("without CAP_NET_RAW throws EPERM_RAW before opening a capture", async () => {
    const { fx, log } = fakeWorld({ capEff: "0000000000000000" });
    await expect(rawTrace({ targets: ["198.18.67.2"] }, fx)).rejects.toSatisfy((e) => isNetreportError(e, "EPERM_RAW"));
    expect(log.opened).toEqual([]);
  });

  it("stops waiting on abort and says so", async () => {
    const { fx } = fakeWorld();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const r = await rawTrace({ targets: ["198.18.67.2"], ports: [81], maxTtl: 3, timeoutMs: 10_000, adaptiveWait: false, signal: ac.signal }, fx);
    expect(r.warnings.join()).toMatch(/interrupted/);
  });

  it("refuses IPv6 targets without an IPv6 route and runs too large to tell apart", async () => {
    const { fx } = fakeWorld();
    await expect(rawTrace({ targets: ["2001:db8::1"] }, fx)).rejects.toSatisfy((e) => isNetreportError(e, "ETRACE") && /no route to 2001:db8::1/.test(e.message));
    await expect(rawTrace({ targets: Array.from({ length: 200 }, (_, i) => `198.18.67.${i}`), ports: [1, 2, 3], maxTtl: 30 }, fx)).rejects.toSatisfy((e) => isNetreportError(e, "ETRACE"));
  });

  it("IPv6: solicits the next hop, filters ICMPv6 errors and TCP on the run's ids, and traces to the SYN-ACK", async () => {
    const ROUTE6 =
      "20010002000000640000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n" +
      "20010002000000000000000000000000 30 00000000000000000000000000000000 00 20010002000000640000000000000001 00000400 00000002 00000000 00000003     eth0\n";
    const v6 = (last: number, group: number) => {
      const b = Buffer.alloc(16);
      b.set([0x20, 0x01, 0, 2, 0, 0, 0, group], 0);
      b[15] = last;
      return b;
    };
    const PATH6 = [v6(1, 0x64), v6(2, 0x65), v6(2, 0x66)];
    let neigh = "2001:2:0:64::1 dev eth0 INCOMPLETE\n";
    let primed = 0;
    const opened: string[] = [];
    const { fx: base } = fakeWorld();
    const reply6 = (src: Buffer, next: number, payload: Buffer) => {
      const f = Buffer.alloc(54 + payload.length);
      f.writeUInt16BE(0x86dd, 12);
      f[14] = 0x60;
      f.writeUInt16BE(payload.length, 18);
      f[20] = next;
      f[21] = 64;
      src.copy(f, 22);
      v6(2, 0x64).copy(f, 38);
      payload.copy(f, 54);
      return f;
    };
    const fx: RawEffects = {
      ...base,
      readFile: async (p) => (p === "/proc/net/ipv6_route" ? ROUTE6 : base.readFile(p)),
      interfaces: () => ({ eth0: [{ address: "2001:2:0:64::2", netmask: "ffff:ffff:ffff:ffff::", family: "IPv6", mac: "02:00:00:00:00:02", internal: false }] }),
      neighbours6: async () => neigh,
      primeNeighbour: async (t) => {
        expect(t).toBe("2001:2:0:67::2");
        primed++;
        neigh = "2001:2:0:64::1 dev eth0 lladdr 02:00:00:00:00:01 router REACHABLE\n";
      },
      openCapture(iface, filter, onFrame) {
        opened.push(filter);
        return {
          linkType: 1,
          send(frame) {
            expect([...frame.subarray(0, 6)]).toEqual([2, 0, 0, 0, 0, 1]);
            expect(frame.readUInt16BE(12)).toBe(0x86dd);
            const hlim = frame[21]!;
            let reply: Buffer;
            if (hlim <= PATH6.length) {
              // ICMPv6 time exceeded: type 3, code 0, checksum, 4 unused bytes, the probe's packet.
              const icmp = Buffer.alloc(8 + frame.length - 14);
              icmp[0] = 3;
              frame.copy(icmp, 8, 14);
              reply = reply6(PATH6[hlim - 1]!, 58, icmp);
            } else {
              const tcp = Buffer.alloc(20);
              tcp.writeUInt16BE(frame.readUInt16BE(56), 0);
              tcp.writeUInt16BE(frame.readUInt16BE(54), 2);
              tcp.writeUInt32BE((frame.readUInt32BE(58) + 1) >>> 0, 8);
              tcp[13] = 0x12;
              reply = reply6(frame.subarray(38, 54), 6, tcp);
            }
            setTimeout(() => onFrame(reply, reply.length), 2);
          },
          close() {},
        };
      },
    };
    const r = await rawTrace({ targets: ["2001:2:0:67::2"], ports: [80], maxTtl: 6, timeoutMs: 500 }, fx);
    expect(primed).toBe(1);
    expect(opened).toEqual(["ip6 and ((ip6[6] = 58 and (ip6[40] = 1 or ip6[40] = 3) and ip6[54] = 6 and ip6[92:2] = 16962) or (ip6[6] = 6 and ip6[42:2] = 49962 and ip6[48:2] = 16962))"]);
    expect(rows(r.hops)).toEqual(["2001:2:0:67::2:80 1 2001:2:0:64::1 11 x", "2001:2:0:67::2:80 2 2001:2:0:65::2 11 x", "2001:2:0:67::2:80 3 2001:2:0:66::2 11 x", "2001:2:0:67::2:80 4 2001:2:0:67::2 SA x"]);
    expect(r.source).toBe("2001:2:0:64::2");
  });
});
