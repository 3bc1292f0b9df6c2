/**
 * IPv6 reply matching and probe frames on real bytes: captures recorded when the test runs
 * (helpers/captures.ts) by tcpdump on the probe host's eth0 of an nrt- lab with IPv6
 * (helpers/topology.ts, 2001:2::/48) while netreport traced s1 (2001:2:0:67::2, 80 open, 443
 * closed), s2 (2001:2:0:68::2, 80 closed, 443 dropped) and r3 (2001:2:0:68::1) with TCP, s1
 * with UDP and ICMPv6, and s2 with TCP to ports its ip6tables rejects (8443 adm-prohibited,
 * 8444 addr-unreachable). Besides probes and replies the captures hold neighbour discovery, MLD
 * reports, the neighbour-priming datagram and the kernel's RSTs.
 * Cross-checks: tshark's checksum verdicts on our probes, tcpdump running our BPF filter.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatIp } from "../../../src/enrich/ip.js";
import { decodeReply6, ipv6Offset } from "../../../src/analyses/trace/match6.js";
import { buildProbe6, replyFilter6 } from "../../../src/analyses/trace/packet6.js";
import { buildHops, type ReceivedReply, type SentProbe } from "../../../src/analyses/trace/hops.js";
import { UDP_BASE_PORT } from "../../../src/analyses/trace/packet.js";
import { expectProbesAndReplies, hopTable } from "./helpers/expect.js";
import { readPcap } from "./helpers/pcap.js";
import { recordLabCaptures } from "./helpers/captures.js";
import { canNetns, canNetns6, skipReason } from "./helpers/topology.js";

// Recorded now, in a lab of its own (helpers/captures.ts); nothing is kept in the repository.
const dir = canNetns6 ? await recordLabCaptures(6) : null;
if (!dir) console.warn(`SKIPPED match6.int.test: ${skipReason} and ip6tables`);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});
const fixture = (name: string) => join(dir ?? "", name);
const PROBE = "2001:2:0:64::2";
const S1 = "2001:2:0:67::2";
const S2 = "2001:2:0:68::2";
const R3FAR = "2001:2:0:68::1";
const ip6 = (b: Buffer, o: number) => formatIp(b.subarray(o, o + 16));
const hasTool = (t: string) => spawnSync(t, ["--version"]).status === 0;

/** Probes (frames from the probe host that carry a run id), decoded replies and the run's ids. */
function load(name: string, protocol: "tcp" | "udp" | "icmp") {
  const { linkType, frames } = dir ? readPcap(fixture(name)) : { linkType: 1, frames: [] };
  expect(linkType).toBe(1);
  const probes: (SentProbe & { frame: Buffer })[] = [];
  let magic = -1;
  let sport = -1;
  for (const f of frames) {
    const o = ipv6Offset(f.data, f.data.length, linkType);
    if (o < 0 || ip6(f.data, o + 8) !== PROBE) continue;
    const t = o + 40;
    const next = f.data[o + 6];
    const ttl = f.data[o + 7]!;
    const target = ip6(f.data, o + 24);
    if (protocol === "tcp" && next === 6 && f.data[t + 13] === 0x02) {
      const seq = f.data.readUInt32BE(t + 4);
      magic = seq >>> 16;
      sport = f.data.readUInt16BE(t);
      probes.push({ index: seq & 0xffff, target, port: f.data.readUInt16BE(t + 2), ttl, sentAt: f.ms, frame: f.data });
    } else if (protocol === "udp" && next === 17 && f.data.readUInt16BE(t + 2) >= UDP_BASE_PORT) {
      sport = f.data.readUInt16BE(t);
      probes.push({ index: f.data.readUInt16BE(t + 2) - UDP_BASE_PORT, target, port: null, ttl, sentAt: f.ms, frame: f.data });
    } else if (protocol === "icmp" && next === 58 && f.data[t] === 128) {
      magic = f.data.readUInt16BE(t + 4);
      probes.push({ index: f.data.readUInt16BE(t + 6), target, port: null, ttl, sentAt: f.ms, frame: f.data });
    }
  }
  const replies: ReceivedReply[] = [];
  const replyFrames: Buffer[] = [];
  for (const f of frames) {
    const r = decodeReply6(f.data, ipv6Offset(f.data, f.data.length, linkType), f.data.length, magic, sport);
    if (r) {
      replies.push({ ...r, at: f.ms });
      replyFrames.push(f.data);
    }
  }
  return { probes, replies, replyFrames, magic, sport, frames };
}

describe.skipIf(!dir)("decodeReply6 on a captured TCP trace over IPv6", () => {
  const c = load("tcp6-trace.pcap", "tcp");

  it("reads the run's probes and matches every reply to one of them by what it quotes or acknowledges", () => {
    // 3 targets × 2 ports × 6 hop limits, then retry rounds for the silent hops (the 6 hop 2s and
    // s2:443's hops 4–6). How many retries a run sends depends on timing (a late answer spares a
    // retry, a rate-limited one costs one), so: every probe once, every combination at least once.
    expectProbesAndReplies(c, 36, "2001:2:0:64::1", "2001:2:0:66::2");
  });

  it("codes replies as scapy's IPv4 traceroute does: 11 from routers, SA for the open port, RA for closed ones", () => {
    const kinds = new Set(c.replies.map((r) => `${r.from} ${r.kind}`));
    expect(kinds).toEqual(new Set(["2001:2:0:64::1 11", "2001:2:0:66::2 11", `${S1} SA`, `${S1} RA`, `${S2} RA`, `${R3FAR} RA`]));
    const byIndex = new Map(c.probes.map((p) => [p.index, p]));
    for (const r of c.replies.filter((x) => x.kind === "SA")) expect(byIndex.get(r.index)!.port).toBe(80);
  });

  it("ignores the probes, the kernel's RST after a SYN-ACK, neighbour discovery, MLD, the priming datagram and other runs", () => {
    let fromProbe = 0;
    let rsts = 0;
    let nd = 0;
    for (const f of c.frames) {
      const o = ipv6Offset(f.data, f.data.length, 1);
      const decoded = decodeReply6(f.data, o, f.data.length, c.magic, c.sport);
      if (ip6(f.data, o + 8) === PROBE) {
        fromProbe++;
        expect(decoded).toBeNull();
        if (f.data[o + 6] === 6 && (f.data[o + 40 + 13]! & 0x04) !== 0) rsts++;
      }
      if (f.data[o + 6] === 58 && f.data[o + 40]! >= 133 && f.data[o + 40]! <= 143) {
        nd++;
        expect(decoded).toBeNull();
      }
    }
    expect(fromProbe).toBeGreaterThan(c.probes.length);
    // The probe host's own TCP stack resets each SYN-ACK it never asked for.
    expect(rsts).toBeGreaterThan(0);
    expect(nd).toBeGreaterThan(0);
    expect(c.frames.map((f) => decodeReply6(f.data, 14, f.data.length, (c.magic + 1) & 0xffff, c.sport)).filter(Boolean)).toEqual([]);
    expect(c.frames.map((f) => decodeReply6(f.data, 14, f.data.length, c.magic, (c.sport + 1) & 0xffff)).filter(Boolean)).toEqual([]);
    // Cut frames are not replies, whatever their first bytes say; nor is IPv4 read as IPv6.
    for (const f of c.frames) expect(decodeReply6(f.data, 14, 14 + 47, c.magic, c.sport)).toBeNull();
    for (const f of readPcap(fixture("tcp-trace.pcap")).frames) expect(decodeReply6(f.data, 14, f.data.length, c.magic, c.sport)).toBeNull();
  });

  it("builds the lab's hops: r1, silent r2, r3, then the servers; the dropped port stays unk", () => {
    const hops = buildHops("tcp", c.probes, c.replies);
    expect(hopTable(hops)).toEqual([
      `${S1}:80 1 2001:2:0:64::1 11`,
      `${S1}:80 2 * unk`,
      `${S1}:80 3 2001:2:0:66::2 11`,
      `${S1}:80 4 ${S1} SA`,
      `${S1}:443 1 2001:2:0:64::1 11`,
      `${S1}:443 2 * unk`,
      `${S1}:443 3 2001:2:0:66::2 11`,
      `${S1}:443 4 ${S1} RA`,
      `${S2}:80 1 2001:2:0:64::1 11`,
      `${S2}:80 2 * unk`,
      `${S2}:80 3 2001:2:0:66::2 11`,
      `${S2}:80 4 ${S2} RA`,
      `${S2}:443 1 2001:2:0:64::1 11`,
      `${S2}:443 2 * unk`,
      `${S2}:443 3 2001:2:0:66::2 11`,
      ...[4, 5, 6].map((t) => `${S2}:443 ${t} * unk`),
      `${R3FAR}:80 1 2001:2:0:64::1 11`,
      `${R3FAR}:80 2 * unk`,
      `${R3FAR}:80 3 ${R3FAR} RA`,
      `${R3FAR}:443 1 2001:2:0:64::1 11`,
      `${R3FAR}:443 2 * unk`,
      `${R3FAR}:443 3 ${R3FAR} RA`,
    ]);
    expect(hops.find((h) => h.ttl === 2)!.rtts).toEqual([null, null, null]);
  });
});

describe.skipIf(!dir)("decodeReply6 on captured UDP, ICMPv6 and rejected TCP traces", () => {
  it("UDP: time exceeded from routers, port unreachable (ICMPv6 1/4 → 3/3) from the target", () => {
    const c = load("udp6-trace.pcap", "udp");
    expect(hopTable(buildHops("udp", c.probes, c.replies))).toEqual([`${S1}:- 1 2001:2:0:64::1 11`, `${S1}:- 2 * unk`, `${S1}:- 3 2001:2:0:66::2 11`, `${S1}:- 4 ${S1} 3/3`]);
  });

  it("ICMPv6: time exceeded from routers, echo reply (129 → 0) from the target", () => {
    const c = load("icmp6-trace.pcap", "icmp");
    expect(hopTable(buildHops("icmp", c.probes, c.replies))).toEqual([`${S1}:- 1 2001:2:0:64::1 11`, `${S1}:- 2 * unk`, `${S1}:- 3 2001:2:0:66::2 11`, `${S1}:- 4 ${S1} 0`]);
  });

  it("TCP rejected by ip6tables: adm-prohibited (1/1 → 3/13) and address unreachable (1/3 → 3/1)", () => {
    const c = load("tcp6-reject.pcap", "tcp");
    expect(hopTable(buildHops("tcp", c.probes, c.replies)).filter((l) => / 4 /.test(l))).toEqual([`${S2}:8443 4 ${S2} 3/13`, `${S2}:8444 4 ${S2} 3/1`]);
  });
});

describe.skipIf(!dir)("buildProbe6 and replyFilter6 against the captures", () => {
  const runs = [load("tcp6-trace.pcap", "tcp"), load("udp6-trace.pcap", "udp"), load("icmp6-trace.pcap", "icmp"), load("tcp6-reject.pcap", "tcp")];
  const protocols = ["tcp", "udp", "icmp", "tcp"] as const;
  // Made in a hook, not while vitest collects the block: a skipped block runs no afterAll.
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "nrt-trace6-"));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("rebuilds every captured probe byte for byte", () => {
    runs.forEach((c, k) => {
      for (const p of c.probes) {
        const f = p.frame;
        const built = buildProbe6({ dstMac: f.subarray(0, 6), srcMac: f.subarray(6, 12), src: f.subarray(22, 38), dst: f.subarray(38, 54), ttl: p.ttl, protocol: protocols[k]!, port: p.port ?? 0, index: p.index, magic: c.magic, sport: c.sport });
        expect(built.equals(f), `${protocols[k]} probe ${p.index}`).toBe(true);
      }
    });
  });

  // The captures hold frames our own engine built, so the byte-for-byte rebuild above shows only
  // consistency; tshark, a decoder we did not write, shows each field is where the protocol puts it.
  // (ICMPv6 errors are left out: tshark's filters also match the probe they quote.)
  it.skipIf(!hasTool("tshark"))("tshark reads in every probe the hop limit, target, ports and run ids we put there", () => {
    const fields: Record<(typeof protocols)[number], { filter: string; fields: string[]; expect: (p: (typeof runs)[number]["probes"][number], c: (typeof runs)[number]) => string[] }> = {
      tcp: { filter: "tcp.flags.syn == 1 && tcp.flags.ack == 0 && !icmpv6", fields: ["tcp.srcport", "tcp.dstport", "tcp.seq_raw"], expect: (p, c) => [String(c.sport), String(p.port), String(((c.magic << 16) | p.index) >>> 0)] },
      udp: { filter: `udp.dstport >= ${UDP_BASE_PORT} && !icmpv6`, fields: ["udp.srcport", "udp.dstport"], expect: (p, c) => [String(c.sport), String(UDP_BASE_PORT + p.index)] },
      icmp: { filter: "icmpv6.type == 128 && !(icmpv6.type == 1 || icmpv6.type == 3)", fields: ["icmpv6.echo.identifier", "icmpv6.echo.sequence_number"], expect: (p, c) => [`0x${c.magic.toString(16).padStart(4, "0")}`, String(p.index)] }, // tshark prints the identifier in hex
    };
    ["tcp6-trace.pcap", "udp6-trace.pcap", "icmp6-trace.pcap"].forEach((name, k) => {
      const c = runs[k]!;
      const f = fields[protocols[k]!];
      const out = execFileSync("tshark", ["-r", fixture(name), "-Y", `ipv6.src == ${PROBE} && ${f.filter}`, "-T", "fields", "-E", "separator=,", "-e", "ipv6.hlim", "-e", "ipv6.dst", ...f.fields.flatMap((x) => ["-e", x])], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      const theirs = out.trim().split("\n");
      const ours = c.probes.map((p) => [String(p.ttl), p.target, ...f.expect(p, c)].join(","));
      expect(theirs.length, name).toBeGreaterThan(3);
      expect(theirs, name).toEqual(ours);
    });
  });

  it.skipIf(!hasTool("tshark"))("tshark finds every probe's TCP/UDP/ICMPv6 checksum good (IPv6 pseudo-header)", () => {
    for (const name of ["tcp6-trace.pcap", "udp6-trace.pcap", "icmp6-trace.pcap"]) {
      const out = execFileSync("tshark", ["-r", fixture(name), "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-Y", `ipv6.src == ${PROBE} && !(icmpv6.type == 1 || icmpv6.type == 3) && (tcp.flags.syn == 1 || udp.dstport >= ${UDP_BASE_PORT} || icmpv6.type == 128)`, "-T", "fields", "-e", "tcp.checksum.status", "-e", "udp.checksum.status", "-e", "icmpv6.checksum.status"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      const verdicts = out.trim().split("\n").map((l) => l.replace(/\s+/g, ""));
      expect(verdicts.length, name).toBeGreaterThan(3);
      // Status 1 is "Good" in tshark's field output.
      for (const v of verdicts) expect(v, name).toBe("1");
    }
  });

  it.skipIf(!hasTool("tcpdump"))("libpcap running replyFilter6 passes exactly the frames decodeReply6 accepts", () => {
    ["tcp6-trace.pcap", "udp6-trace.pcap", "icmp6-trace.pcap", "tcp6-reject.pcap"].forEach((name, k) => {
      const c = runs[k]!;
      const out = join(work, `${k}.pcap`);
      execFileSync("tcpdump", ["-r", fixture(name), "-w", out, replyFilter6(protocols[k]!, c.magic, c.sport)], { stdio: "ignore" });
      const passed = readPcap(out).frames.map((f) => f.data.toString("hex"));
      expect(passed, name).toEqual(c.replyFrames.map((f) => f.toString("hex")));
    });
  });
});

