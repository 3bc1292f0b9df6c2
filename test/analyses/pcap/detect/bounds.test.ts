/**
 * Collectors under hostile volume and dates, fed frames built here through a real session: a
 * SYN flood from spoofed sources (memory must stay bounded, the target still found), pure ACKs
 * of a download (no flood), packets dated beyond any calendar (the timeline must end), and IPv6
 * multicast with protocol-fixed hop limits (no TTL anomaly), and more DNS names than the flux
 * detector keeps.
 */
import { describe, expect, it } from "vitest";
import { analysePcap } from "../../../../src/analyses/pcap/analyse.js";
import type { PcapResult } from "../../../../src/analyses/pcap/session.js";
import { MAX_FINDINGS_PER_RULE, MAX_TRACKED } from "../../../../src/analyses/pcap/collector.js";
import { TCPDUMP_DIR } from "../helpers.js";
import { analyse, ip, qname, tcpFrame, udpFrame } from "../frames.js";

/** An Ethernet + IPv4 + UDP/53 frame with a DNS message for `name`: a query, or a response with one A record. */
function dnsFrame(client: number, resolver: number, name: string, answer: number | null): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(answer === null ? 0x0100 : 0x8180, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(answer === null ? 0 : 1, 6);
  const rr = answer === null ? Buffer.alloc(0) : Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, answer >>> 24, (answer >>> 16) & 255, (answer >>> 8) & 255, answer & 255]);
  const dns = Buffer.concat([head, qname(name, 1), rr]);
  return answer === null ? udpFrame(client, resolver, 40000, 53, dns) : udpFrame(resolver, client, 53, 40000, dns);
}

const rows = (r: PcapResult, kind: string) => r.datasets.find((d) => d.kind === kind)!;

describe("collectors under hostile input", () => {
  it("keep at most MAX_TRACKED sources of a spoofed SYN flood, say so, and still report the target", () => {
    const n = MAX_TRACKED + 20_000;
    const target = ip("198.18.16.8");
    const t0 = Date.UTC(2026, 0, 1) * 1000;
    const r = analyse(
      (function* () {
        for (let k = 0; k < n; k++) yield [tcpFrame(ip("198.19.0.0") + k, target, 1024 + (k % 60000), 80, 0x02), t0 + k] as [Buffer, number];
      })(),
    );
    expect(r.totals.packets).toBe(n);
    const conv = rows(r, "pcapConversations");
    expect(conv.warnings.join("\n")).toContain(`smaller conversations are not listed (${MAX_TRACKED} in all)`);
    expect(conv.warnings.join("\n")).toContain(`more than ${MAX_TRACKED.toLocaleString("en")} conversations: later ones are not tracked`);
    expect(rows(r, "pcapEndpoints").warnings.join("\n")).toContain(`(${MAX_TRACKED} in all)`);
    expect(r.warnings.join("\n")).toMatch(/sources checked for TTLs/);
    // The target's own count goes on past the cap: every SYN is in its busiest window.
    const flood = r.findings.find((f) => f.rule === "pcap.ddos");
    expect(flood?.evidence.at(-1)?.description).toBe(`busiest ${r.thresholds.ddosWindowSeconds}-second window held ${n} packets to 198.18.16.8:80`);
  });

  it("keep at most MAX_TRACKED names for fast-flux and 1,000 DGA-style names, and say so", () => {
    const client = ip("198.18.16.20");
    const resolver = ip("198.18.16.53");
    const t0 = Date.UTC(2026, 0, 1) * 1000;
    const answered = MAX_TRACKED + 10;
    const r = analyse(
      (function* () {
        for (let k = 0; k < answered; k++) yield [dnsFrame(client, resolver, `host${k}.example.com`, ip("198.18.17.1")), t0 + k] as [Buffer, number];
        for (let k = 0; k < 1005; k++) yield [dnsFrame(client, resolver, `${(0xa0000000 + k).toString(16)}1.example.com`, null), t0 + answered + k] as [Buffer, number];
        // The last names again, in the mixed case of DNS 0x20: the same names, not more of them.
        for (let k = 1000; k < 1005; k++) yield [dnsFrame(client, resolver, `${(0xa0000000 + k).toString(16).toUpperCase()}1.Example.COM`, null), t0 + answered + k] as [Buffer, number];
      })(),
    );
    expect(r.totals.dnsMessages).toBe(answered + 1010);
    const cap = MAX_TRACKED.toLocaleString("en");
    expect(r.warnings.join("\n")).toContain(`more than ${cap} answered names checked for fast-flux: later ones are not tracked (a flood of look-ups of generated names?), so the tables and findings cover the first ${cap}`);
    const dga = r.findings.find((f) => f.rule === "pcap.dga-hostname");
    expect(dga?.title).toBe("1,005 DGA-style host names");
    expect(dga?.summary).toContain("The first 1,000 are kept; 5 more were counted.");
  });

  it("does not call a download's pure ACKs a flood, but does flag as many SYNs", () => {
    const client = ip("198.18.16.20");
    const server = ip("198.18.16.8");
    const t0 = Date.UTC(2026, 0, 1) * 1000;
    const download = function* () {
      for (let k = 0; k < 1500; k++) {
        yield [tcpFrame(server, client, 80, 50000, 0x10, 64, 1400), t0 + 2 * k] as [Buffer, number];
        yield [tcpFrame(client, server, 50000, 80, 0x10), t0 + 2 * k + 1] as [Buffer, number];
      }
    };
    expect(analyse(download()).findings.filter((f) => f.rule === "pcap.ddos")).toEqual([]);
    const syns = function* () {
      for (let k = 0; k < 1500; k++) yield [tcpFrame(client, server, 1024 + k, 80, 0x02), t0 + k] as [Buffer, number];
    };
    expect(analyse(syns()).findings.filter((f) => f.rule === "pcap.ddos")).toHaveLength(1);
  });

  it("ends the timeline on dates beyond any calendar and keeps it to 120 bins over scattered ones", () => {
    const frame = tcpFrame(ip("198.18.16.20"), ip("198.18.16.8"), 50000, 80, 0x02);
    const r = analyse(
      (function* () {
        yield [frame, 2 ** 63 * 1e6] as [Buffer, number]; // whole seconds at 2^63 (pcapng if_tsresol=0)
        yield [frame, (2 ** 63 + 100_000) * 1e6] as [Buffer, number];
        // 250,000 distinct seconds, one packet each, spread over 20 years.
        for (let k = 0; k < 250_000; k++) yield [frame, (1.5e9 + k * 2523) * 1e6] as [Buffer, number];
      })(),
    );
    const timeline = rows(r, "pcapTimeline");
    expect(timeline.rows.length).toBeLessThanOrEqual(120);
    expect(timeline.rows.reduce((n, row) => n + (row.packets as number), 0)).toBe(250_000);
    expect(timeline.warnings.join("\n")).toContain("2 packets are dated outside the range of dates");
  });

  it("takes no TTL anomaly from IPv6 multicast, whose hop limits protocols fix", async () => {
    for (const f of ["babel.pcap", "hncp.pcap"]) {
      const r = await analysePcap([`${TCPDUMP_DIR}/${f}`]);
      expect(r.findings.filter((x) => x.rule === "pcap.ttl-anomaly").map((x) => x.title), f).toEqual([]);
    }
  });
  it("list the most severe MAX_FINDINGS_PER_RULE findings of a rule and say how many more there were", () => {
    // 100 sources in two initial-TTL families (medium) and 150 spread within one (low): two
    // packets each, spoofed-looking, from 198.19.0.0 on.
    const t0 = Date.UTC(2026, 0, 1) * 1000;
    const frames: [Buffer, number][] = [];
    for (let k = 0; k < 250; k++) {
      const src = ip("198.19.0.0") + k;
      frames.push([tcpFrame(src, ip("198.18.16.8"), 1024, 80, 0x02, 64), t0 + 2 * k]);
      frames.push([tcpFrame(src, ip("198.18.16.8"), 1025, 80, 0x02, k < 100 ? 120 : 50), t0 + 2 * k + 1]);
    }
    const r = analyse(frames);
    const ttl = r.findings.filter((f) => f.rule === "pcap.ttl-anomaly");
    expect(ttl).toHaveLength(MAX_FINDINGS_PER_RULE);
    expect(ttl.filter((f) => f.severity === "medium")).toHaveLength(100);
    expect(r.warnings).toContain(`50 more pcap.ttl-anomaly findings are not listed, only the ${MAX_FINDINGS_PER_RULE} most severe of 250 (a flood from spoofed sources?)`);
  });
  it("hold any rule to MAX_FINDINGS_PER_RULE findings in the session, also one whose detector does not", () => {
    // 230 clients that each downloaded LOIC: one finding a client.
    const t0 = Date.UTC(2026, 0, 1) * 1000;
    const get = Buffer.from("GET /tools/LOIC.zip HTTP/1.1\r\nHost: 198.18.16.8\r\n\r\n");
    const r = analyse(Array.from({ length: 230 }, (_, k) => [tcpFrame(ip("198.19.1.0") + k, ip("198.18.16.8"), 40000, 80, 0x18, 64, get), t0 + k] as [Buffer, number]));
    expect(r.findings.filter((f) => f.rule === "pcap.loic-download")).toHaveLength(MAX_FINDINGS_PER_RULE);
    expect(r.warnings).toContain(`30 more pcap.loic-download findings are not listed, only the ${MAX_FINDINGS_PER_RULE} most severe of 230 (a flood from spoofed sources?)`);
  });
});
