/**
 * Raw traceroute over IPv6 in the nrt- namespace lab with IPv6 (helpers/topology.ts, 2001:2::/48
 * beside 198.18.64.0/18, no route out):
 *   probe → r1 → r2 (sends no ICMPv6 errors) → r3 → s1 (80 open, 443 closed) / s2 (80 closed, 443 DROP)
 * netreport's hops, codes and order must equal the topology and what scapy's traceroute6() reports
 * from the same probe namespace in the same test (its ICMPv6 types read as the dataset's codes:
 * time exceeded → 11, unreachable → the IPv4 kind of its code), and what the `traceroute -T`
 * fallback reads from Debian's traceroute over IPv6. Needs root and ip6tables; skipped visibly
 * otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canNetns6, createTraceLab, type TraceLab } from "./helpers/topology.js";
import { ourTable, scapy6AsKinds, scapy6InNs, scapyTable, traceInNs } from "./helpers/run.js";

if (!canNetns6) console.warn("trace6.int.test: skipped: needs root with `ip netns`, iptables and ip6tables to build the IPv6 nrt- traceroute lab");

const R1 = "2001:2:0:64::1";
const R3 = "2001:2:0:66::2";
const S1 = "2001:2:0:67::2";
const S2 = "2001:2:0:68::2";
const R3FAR = "2001:2:0:68::1";
const TARGETS = [S1, S2, R3FAR];
const PORTS = [80, 443];
const MAX_TTL = 6;

/** The topology's answer, one line per (target, port, hop limit) up to the destination. */
const EXPECTED = [
  `${S1}:80 1 ${R1} 11`,
  `${S1}:80 2 * unk`,
  `${S1}:80 3 ${R3} 11`,
  `${S1}:80 4 ${S1} SA`,
  `${S1}:443 1 ${R1} 11`,
  `${S1}:443 2 * unk`,
  `${S1}:443 3 ${R3} 11`,
  `${S1}:443 4 ${S1} RA`,
  `${S2}:80 1 ${R1} 11`,
  `${S2}:80 2 * unk`,
  `${S2}:80 3 ${R3} 11`,
  `${S2}:80 4 ${S2} RA`,
  `${S2}:443 1 ${R1} 11`,
  `${S2}:443 2 * unk`,
  `${S2}:443 3 ${R3} 11`,
  `${S2}:443 4 * unk`,
  `${S2}:443 5 * unk`,
  `${S2}:443 6 * unk`,
  `${R3FAR}:80 1 ${R1} 11`,
  `${R3FAR}:80 2 * unk`,
  `${R3FAR}:80 3 ${R3FAR} RA`,
  `${R3FAR}:443 1 ${R1} 11`,
  `${R3FAR}:443 2 * unk`,
  `${R3FAR}:443 3 ${R3FAR} RA`,
];

describe.skipIf(!canNetns6)("IPv6 traceroute in namespaces vs scapy's traceroute6()", () => {
  let lab: TraceLab;
  beforeAll(async () => {
    lab = await createTraceLab("six", { ipv6: true });
    // s2 rejects 8443 with ICMPv6 administratively prohibited: an unreachable code to compare.
    lab.exec(lab.ns.s2, "ip6tables", ["-A", "INPUT", "-p", "tcp", "--dport", "8443", "-j", "REJECT", "--reject-with", "icmp6-adm-prohibited"]);
  });
  afterAll(() => lab?.close());

  it("TCP SYN: netreport's hops, codes and order equal the topology and scapy's traceroute6()", () => {
    const ours = traceInNs(lab, { targets: TARGETS, ports: PORTS, maxTtl: MAX_TTL, timeoutMs: 1000 });
    expect(ours.error).toBeUndefined();
    expect(ourTable(ours.result!)).toEqual(EXPECTED);
    expect(ours.result!.source).toBe("2001:2:0:64::2");
    expect(ours.result!.method).toBe("raw");
    for (const r of ours.result!.hops.rows) if (r.address) expect(r.rttMs).toBeGreaterThan(0);
    const scapy = scapy6AsKinds(scapy6InNs(lab, TARGETS, PORTS, MAX_TTL, 1));
    expect(scapyTable(scapy, TARGETS, PORTS, MAX_TTL)).toEqual(EXPECTED);
  });

  it("an ICMPv6 unreachable (administratively prohibited) ends the path as 3/13, as scapy sees it", () => {
    const expected = [`${S2}:8443 1 ${R1} 11`, `${S2}:8443 2 * unk`, `${S2}:8443 3 ${R3} 11`, `${S2}:8443 4 ${S2} 3/13`];
    const ours = traceInNs(lab, { targets: [S2], ports: [8443], maxTtl: MAX_TTL, timeoutMs: 1000 });
    expect(ours.error).toBeUndefined();
    expect(ourTable(ours.result!)).toEqual(expected);
    expect(scapyTable(scapy6AsKinds(scapy6InNs(lab, [S2], [8443], MAX_TTL, 1)), [S2], [8443], MAX_TTL)).toEqual(expected);
  });

  it("the traceroute -T fallback gives the same IPv6 hops (destination kind dst)", () => {
    const { result, error } = traceInNs(lab, { targets: [S1, S2], ports: PORTS, maxTtl: MAX_TTL, timeoutMs: 1000, method: "traceroute" });
    expect(error).toBeUndefined();
    expect(ourTable(result!)).toEqual(EXPECTED.filter((l) => !l.startsWith(R3FAR)).map((l) => l.replace(/ (SA|RA)$/, " dst")));
  });

  it("UDP and ICMPv6 echo modes end at the target with port unreachable (3/3) and echo reply (0)", () => {
    for (const [protocol, end] of [["udp", "3/3"], ["icmp", "0"]] as const) {
      const { result, error } = traceInNs(lab, { targets: [S1, R3FAR], protocol, maxTtl: MAX_TTL, timeoutMs: 1000 });
      expect(error).toBeUndefined();
      expect(ourTable(result!)).toEqual([`${S1}:- 1 ${R1} 11`, `${S1}:- 2 * unk`, `${S1}:- 3 ${R3} 11`, `${S1}:- 4 ${S1} ${end}`, `${R3FAR}:- 1 ${R1} 11`, `${R3FAR}:- 2 * unk`, `${R3FAR}:- 3 ${R3FAR} ${end}`]);
    }
  });

  it("traces IPv4 and IPv6 targets in one run on one interface, and names targets canonically", () => {
    const { result, error } = traceInNs(lab, { targets: [lab.addr.s1, "2001:0002:0000:0067:0000:0000:0000:0002"], ports: [80], maxTtl: MAX_TTL, timeoutMs: 1000 });
    expect(error).toBeUndefined();
    expect(ourTable(result!)).toEqual([
      "198.18.67.2:80 1 198.18.64.1 11",
      "198.18.67.2:80 2 * unk",
      "198.18.67.2:80 3 198.18.66.2 11",
      "198.18.67.2:80 4 198.18.67.2 SA",
      `${S1}:80 1 ${R1} 11`,
      `${S1}:80 2 * unk`,
      `${S1}:80 3 ${R3} 11`,
      `${S1}:80 4 ${S1} SA`,
    ]);
  });
});
