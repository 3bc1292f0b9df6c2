/**
 * DNS abuse of botnets:
 *   - fast-flux: one name answered with many distinct addresses (≥ `fluxAddresses`), all with
 *     short TTLs (≤ `fluxMaxTtl` s), so takedown of any one address does nothing;
 *   - domain-flux: a client collecting NXDOMAIN answers (≥ `nxdomainPerClient`) while a DGA
 *     walks through generated names looking for the one registered today;
 *   - DGA-style names asked over DNS or used as HTTP Host: a first label of 8+ hexadecimal
 *     characters mixing digits and letters (e.g. Foudre's `db54a845.top`).
 */
import type { Finding } from "../../../dataset/finding.js";
import { capNote, isoUs, MAX_TRACKED, type CollectorWith } from "../collector.js";

/** True when a host name looks machine-generated (hex label of 8+ chars with digits and letters). */
export function isDgaStyleName(name: string): boolean {
  const label = name.toLowerCase().split(".")[0] ?? "";
  return /^[0-9a-f]{8,}$/.test(label) && /[0-9]/.test(label) && /[a-f]/.test(label) && name.includes(".");
}

interface Flux {
  addrs: Set<string>;
  maxTtl: number;
  minTtl: number;
  responses: number;
  packets: number[];
  first: number;
  file: string;
}

interface Nx {
  count: number;
  names: Set<string>;
  packets: number[];
  first: number;
  last: number;
  file: string;
}

/** DGA-style names kept with their evidence; later ones are counted. */
const MAX_DGA_NAMES = 1000;

/** Detects fast-flux, domain-flux and DGA-style names. */
export function dnsFlux(): CollectorWith<"dns" | "http"> {
  const flux = new Map<string, Flux>();
  const nx = new Map<number, Nx>();
  const dga = new Map<string, { via: string; client: number; packet: number; tsUs: number; file: string }>();
  // Names already judged, so a host name used by every request is judged once.
  const judged = new Set<string>();
  // Host header values (port included) already passed to noteDga.
  const judgedHosts = new Set<string>();
  const cappedClients = capNote("clients checked for NXDOMAIN answers");
  const cappedNames = capNote("answered names checked for fast-flux", "a flood of look-ups of generated names?");
  // DGA-style names past the first MAX_DGA_NAMES: kept as names only, to be counted (at most
  // MAX_TRACKED; past that the count is a lower bound).
  const dgaMore = new Set<string>();
  const noteDga = (name: string, via: string, client: number, packet: number, tsUs: number, file: string) => {
    // Case folded first: resolvers randomise the case of the names they ask (DNS 0x20).
    const n = name.toLowerCase();
    if (judged.has(n)) return;
    if (judged.size < MAX_TRACKED) judged.add(n);
    if (dga.has(n) || !isDgaStyleName(n)) return;
    if (dga.size < MAX_DGA_NAMES) dga.set(n, { via, client, packet, tsUs, file });
    else if (dgaMore.size < MAX_TRACKED) dgaMore.add(n);
  };
  return {
    dns(msg, pkt, d, ctx) {
      const q = msg.questions[0];
      if (q && !msg.response) noteDga(q.name, "DNS query", d.src, pkt.index, pkt.tsUs, ctx.file);
      if (!msg.response || !q) return;
      if (msg.rcode === 3) {
        let e = nx.get(d.dst);
        if (!e && nx.size >= MAX_TRACKED) return cappedClients(ctx);
        if (!e) nx.set(d.dst, (e = { count: 0, names: new Set(), packets: [], first: pkt.tsUs, last: pkt.tsUs, file: ctx.file }));
        e.count++;
        e.last = pkt.tsUs;
        if (e.names.size < 200) e.names.add(q.name.toLowerCase());
        if (e.packets.length < 10) e.packets.push(pkt.index);
        return;
      }
      const name = q.name.toLowerCase();
      for (const a of msg.answers) {
        if ((a.type !== 1 && a.type !== 28) || a.data === null) continue;
        let f = flux.get(name);
        if (!f) {
          if (flux.size >= MAX_TRACKED) return cappedNames(ctx);
          flux.set(name, (f = { addrs: new Set(), maxTtl: 0, minTtl: Infinity, responses: 0, packets: [], first: pkt.tsUs, file: ctx.file }));
        }
        if (f.addrs.size < 1000) f.addrs.add(a.data);
        if (a.ttl > f.maxTtl) f.maxTtl = a.ttl;
        if (a.ttl < f.minTtl) f.minTtl = a.ttl;
        if (f.packets.at(-1) !== pkt.index) {
          f.responses++;
          if (f.packets.length < 10) f.packets.push(pkt.index);
        }
      }
    },
    http(req, pkt, d, ctx) {
      const host = req.host;
      // Most requests repeat a Host already judged: skip them before any string work.
      if (host === null || judgedHosts.has(host)) return;
      if (judgedHosts.size < MAX_TRACKED) judgedHosts.add(host);
      noteDga(host.includes(":") ? host.replace(/:\d+$/, "") : host, "HTTP Host", d.src, pkt.index, pkt.tsUs, ctx.file);
    },
    finish(ctx) {
      const t = ctx.thresholds;
      const findings: Finding[] = [];
      for (const [name, f] of flux) {
        if (f.addrs.size < t.fluxAddresses || f.maxTtl > t.fluxMaxTtl) continue;
        const addrs = [...f.addrs];
        findings.push({
          rule: "pcap.fast-flux",
          severity: "high",
          title: `Fast-flux name ${name}`,
          summary: `${name} was answered with ${addrs.length} distinct addresses in ${f.responses} response(s), with TTLs of ${f.minTtl}–${f.maxTtl} s. Many short-lived addresses for one name is how fast-flux botnets hide their servers.`,
          evidence: [
            {
              description: `answers for ${name}`,
              packets: f.packets,
              timestamps: [isoUs(f.first)],
              addresses: addrs.slice(0, 50),
              data: { file: f.file, distinctAddresses: addrs.length, minTtl: f.minTtl, maxTtl: f.maxTtl },
            },
          ],
          recommendation: "Block the name at the resolver and look for hosts that connected to its addresses.",
        });
      }
      for (const [client, e] of nx) {
        if (e.count < t.nxdomainPerClient) continue;
        const ip = ctx.addrs.text(client);
        const names = [...e.names];
        findings.push({
          rule: "pcap.domain-flux",
          severity: "high",
          title: `${ip} received ${e.count} NXDOMAIN answers`,
          summary: `${ip} asked for ${names.length}${names.length >= 200 ? "+" : ""} names that do not exist (${e.count} NXDOMAIN answers). A burst of failed look-ups of unrelated names is the mark of a domain generation algorithm (DGA) looking for its command server.`,
          evidence: [
            {
              description: `names asked: ${names.slice(0, 20).join(", ")}${names.length > 20 ? ", …" : ""}`,
              packets: e.packets,
              timestamps: [isoUs(e.first), isoUs(e.last)],
              addresses: [ip],
              data: { file: e.file, nxdomain: e.count, distinctNames: names.length },
            },
          ],
          recommendation: "Check the host for malware; sinkhole the generated domains.",
        });
      }
      if (dga.size) {
        const list = [...dga.entries()];
        const count = list.length + dgaMore.size;
        const atLeast = dgaMore.size >= MAX_TRACKED ? "at least " : "";
        const more = dgaMore.size ? ` The first ${MAX_DGA_NAMES.toLocaleString("en")} are kept; ${atLeast}${dgaMore.size.toLocaleString("en")} more were counted.` : "";
        findings.push({
          rule: "pcap.dga-hostname",
          severity: "medium",
          title: `${atLeast}${count.toLocaleString("en")} DGA-style host name${count > 1 ? "s" : ""}`,
          summary: `Host names whose first label is a long hexadecimal string (${list.slice(0, 5).map(([n]) => n).join(", ")}) were used. Such names are typical of domain generation algorithms of malware command-and-control.${more}`,
          evidence: list.slice(0, 20).map(([name, x]) => ({
            description: `${x.via} for ${name}`,
            packets: [x.packet],
            timestamps: [isoUs(x.tsUs)],
            addresses: [ctx.addrs.text(x.client)],
            data: { file: x.file, name },
          })),
          recommendation: "Look up the names in threat intelligence and check the clients that used them.",
        });
      }
      return { findings };
    },
  };
}
