/**
 * Reply matching on real bytes: captures recorded when the test runs (helpers/captures.ts) by
 * tcpdump on the probe host's eth0 of an nrt- lab (see helpers/topology.ts) while netreport traced s1 (198.18.67.2, 80 open, 443 closed),
 * s2 (198.18.68.2, 80 closed, 443 dropped) and r3 (198.18.68.1) with TCP, and s1 with UDP and ICMP.
 * The run's magic and source port are read back from the probes in the capture.
 */
import { afterAll, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { decodeReply, ipv4Offset } from "../../../src/analyses/trace/match.js";
import { buildHops, type ReceivedReply, type SentProbe } from "../../../src/analyses/trace/hops.js";
import { UDP_BASE_PORT } from "../../../src/analyses/trace/packet.js";
import { expectProbesAndReplies, hopTable } from "./helpers/expect.js";
import { readPcap } from "./helpers/pcap.js";
import { recordLabCaptures } from "./helpers/captures.js";
import { canNetns, skipReason } from "./helpers/topology.js";

// Recorded now, in a lab of its own (helpers/captures.ts); nothing is kept in the repository.
const dir = canNetns ? await recordLabCaptures(4) : null;
if (!dir) console.warn(`SKIPPED match.int.test: ${skipReason}`);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
const fixture = (name: string) => join(dir ?? "", name);
const PROBE = "198.18.64.2";
const ip = (b: Buffer, o: number) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;

/** Probes (frames from the probe host that carry a run id) and decoded replies of a capture. */
function load(name: string, protocol: "tcp" | "udp" | "icmp") {
  const { linkType, frames } = dir ? readPcap(fixture(name)) : { linkType: 1, frames: [] };
  expect(linkType).toBe(1);
  const probes: SentProbe[] = [];
  let magic = -1;
  let sport = -1;
  const others: Buffer[] = [];
  for (const f of frames) {
    const o = ipv4Offset(f.data, f.data.length, linkType);
    if (o < 0 || ip(f.data, o + 12) !== PROBE) continue;
    const t = o + (f.data[o]! & 15) * 4;
    const proto = f.data[o + 9];
    const ttl = f.data[o + 8]!;
    const target = ip(f.data, o + 16);
    if (protocol === "tcp" && proto === 6 && f.data[t + 13] === 0x02) {
      const seq = f.data.readUInt32BE(t + 4);
      magic = seq >>> 16;
      sport = f.data.readUInt16BE(t);
      probes.push({ index: seq & 0xffff, target, port: f.data.readUInt16BE(t + 2), ttl, sentAt: f.ms });
    } else if (protocol === "udp" && proto === 17) {
      sport = f.data.readUInt16BE(t);
      probes.push({ index: f.data.readUInt16BE(t + 2) - UDP_BASE_PORT, target, port: null, ttl, sentAt: f.ms });
    } else if (protocol === "icmp" && proto === 1 && f.data[t] === 8) {
      magic = f.data.readUInt16BE(t + 4);
      probes.push({ index: f.data.readUInt16BE(t + 6), target, port: null, ttl, sentAt: f.ms });
    } else others.push(f.data);
  }
  const replies: ReceivedReply[] = [];
  for (const f of frames) {
    const r = decodeReply(f.data, ipv4Offset(f.data, f.data.length, linkType), f.data.length, magic, sport);
    if (r) replies.push({ ...r, at: f.ms });
  }
  return { probes, replies, magic, sport, others, frames, linkType };
}

describe.skipIf(!dir)("decodeReply on a captured TCP trace", () => {
  const c = load("tcp-trace.pcap", "tcp");

  it("reads every probe of one run (3 targets × 2 ports × TTL 1–8, then retries) and matches every reply to one of them", () => {
    // How many retries a run sends depends on which time-exceeded replies the routers' ICMP rate
    // limit let through, so the count is not fixed: every probe is there once, and each of the
    // 48 target/port/TTL combinations at least once.
    expectProbesAndReplies(c, 48, "198.18.64.1", "198.18.66.2");
  });

  it("codes replies as scapy does: 11 from routers, SA for the open port, RA for closed ones", () => {
    const kinds = new Set(c.replies.map((r) => `${r.from} ${r.kind}`));
    expect(kinds).toEqual(new Set(["198.18.64.1 11", "198.18.66.2 11", "198.18.67.2 SA", "198.18.67.2 RA", "198.18.68.2 RA", "198.18.68.1 RA"]));
    const byIndex = new Map(c.probes.map((p) => [p.index, p]));
    for (const r of c.replies.filter((x) => x.kind === "SA")) expect(byIndex.get(r.index)!.port).toBe(80);
  });

  it("ignores the probes themselves, the kernel's RST after a SYN-ACK, and other runs", () => {
    for (const f of c.frames) {
      const o = ipv4Offset(f.data, f.data.length, 1);
      if (ip(f.data, o + 12) === PROBE) expect(decodeReply(f.data, o, f.data.length, c.magic, c.sport)).toBeNull();
    }
    // The probe host's own TCP stack resets each SYN-ACK it never asked for.
    const rsts = c.others.filter((d) => d[14 + 9] === 6 && (d[14 + 20 + 13]! & 0x04) !== 0 && ip(d, 14 + 16) === "198.18.67.2");
    expect(rsts.length).toBeGreaterThan(0);
    const any = c.frames.map((f) => decodeReply(f.data, 14, f.data.length, (c.magic + 1) & 0xffff, c.sport)).filter(Boolean);
    expect(any).toEqual([]);
    // Cut frames are not replies, whatever their first bytes say.
    for (const f of c.frames) expect(decodeReply(f.data, 14, 14 + 27, c.magic, c.sport)).toBeNull();
  });

  it("builds the lab's hops: r1, silent r2, r3, then the servers; the dropped port stays unk", () => {
    const hops = buildHops("tcp", c.probes, c.replies);
    expect(hopTable(hops)).toEqual([
      "198.18.67.2:80 1 198.18.64.1 11",
      "198.18.67.2:80 2 * unk",
      "198.18.67.2:80 3 198.18.66.2 11",
      "198.18.67.2:80 4 198.18.67.2 SA",
      "198.18.67.2:443 1 198.18.64.1 11",
      "198.18.67.2:443 2 * unk",
      "198.18.67.2:443 3 198.18.66.2 11",
      "198.18.67.2:443 4 198.18.67.2 RA",
      "198.18.68.2:80 1 198.18.64.1 11",
      "198.18.68.2:80 2 * unk",
      "198.18.68.2:80 3 198.18.66.2 11",
      "198.18.68.2:80 4 198.18.68.2 RA",
      "198.18.68.2:443 1 198.18.64.1 11",
      "198.18.68.2:443 2 * unk",
      "198.18.68.2:443 3 198.18.66.2 11",
      ...[4, 5, 6, 7, 8].map((t) => `198.18.68.2:443 ${t} * unk`),
      "198.18.68.1:80 1 198.18.64.1 11",
      "198.18.68.1:80 2 * unk",
      "198.18.68.1:80 3 198.18.68.1 RA",
      "198.18.68.1:443 1 198.18.64.1 11",
      "198.18.68.1:443 2 * unk",
      "198.18.68.1:443 3 198.18.68.1 RA",
    ]);
    for (const h of hops) if (h.address) expect(h.rttMs).toBeGreaterThanOrEqual(0);
    // Silent hops were probed three times (first round + two retries).
    expect(hops.find((h) => h.ttl === 2)!.rtts).toEqual([null, null, null]);
  });
});

describe.skipIf(!dir)("decodeReply on captured UDP and ICMP traces", () => {
  it("UDP: time exceeded from routers, port unreachable (3/3) from the target", () => {
    const c = load("udp-trace.pcap", "udp");
    expect(hopTable(buildHops("udp", c.probes, c.replies))).toEqual(["198.18.67.2:- 1 198.18.64.1 11", "198.18.67.2:- 2 * unk", "198.18.67.2:- 3 198.18.66.2 11", "198.18.67.2:- 4 198.18.67.2 3/3"]);
  });

  it("ICMP: time exceeded from routers, echo reply (0) from the target", () => {
    const c = load("icmp-trace.pcap", "icmp");
    expect(hopTable(buildHops("icmp", c.probes, c.replies))).toEqual(["198.18.67.2:- 1 198.18.64.1 11", "198.18.67.2:- 2 * unk", "198.18.67.2:- 3 198.18.66.2 11", "198.18.67.2:- 4 198.18.67.2 0"]);
  });
});

