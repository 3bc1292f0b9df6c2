/**
 * The packet-capture forensics report: PcapResult → Report.
 *
 *   summary figures → findings → world map of located endpoints → conversations → endpoints →
 *   traffic over time → top ports → DNS → HTTP → appendix (captures read, methods, thresholds)
 *
 * Also the KML export of located endpoints. Pure: the world topology is passed in (the CLI and
 * notebook load it once with {@link loadWorldTopology}).
 */
import { createRequire } from "node:module";
import type { AnyDataset } from "../../dataset/types.js";
import type { Figure, Report, Section } from "../types.js";
import type { PcapResult } from "../../analyses/pcap/session.js";
import type { EndpointRow } from "../../analyses/pcap/summarise/endpoints.js";
import { describeThresholds } from "../../analyses/pcap/thresholds.js";
import { barChart, timeSeries } from "../../render/charts.js";
import { toKml } from "../../render/kml.js";
import { formatDuration } from "../../render/format.js";
import { mdLiteral } from "../markdown.js";

/** Options of {@link composePcapReport}. */
export interface PcapReportOptions {
  /** Report title. Default "Packet capture forensics". */
  title?: string;
  /** What was analysed (file names, interface), shown on the cover. */
  scope?: string;
  /** world-atlas countries-110m TopoJSON; without it the map is left out. */
  world?: unknown;
  /** Data-source credits (e.g. the enricher's `attribution`). */
  attributions?: string[];
  /** Rows shown in long tables. Default 50. */
  tableRows?: number;
  lang?: string;
}

/** Loads world-atlas's countries-110m TopoJSON (≈100 KB), to pass inline to the map. */
export function loadWorldTopology(): unknown {
  return createRequire(import.meta.url)("world-atlas/countries-110m.json");
}

function dataset<K extends string>(r: PcapResult, kind: K): AnyDataset | undefined {
  return r.datasets.find((d) => d.kind === kind);
}

/** One circle per location: endpoints at the same coordinates are merged. */
export function mapPoints(endpoints: readonly EndpointRow[]): { lat: number; lon: number; place: string; addresses: number; bytes: number; sample: string }[] {
  const byPlace = new Map<string, { lat: number; lon: number; place: string; addresses: number; bytes: number; ips: string[] }>();
  for (const e of endpoints) {
    if (e.lat === null || e.lon === null || !Number.isFinite(e.lat) || !Number.isFinite(e.lon)) continue;
    const key = `${e.lat},${e.lon}`;
    let p = byPlace.get(key);
    if (!p) byPlace.set(key, (p = { lat: e.lat, lon: e.lon, place: [e.city, e.country].filter(Boolean).join(", ") || `${e.lat}, ${e.lon}`, addresses: 0, bytes: 0, ips: [] }));
    p.addresses++;
    p.bytes += e.bytesSent + e.bytesReceived;
    if (p.ips.length < 5) p.ips.push(e.ip);
  }
  return [...byPlace.values()].map(({ ips, ...p }) => ({ ...p, sample: ips.join(", ") }));
}

/** Vega-Lite world map: countries as geoshapes (TopoJSON inline), endpoints as circles sized by bytes. */
export function worldMapSpec(world: unknown, points: ReturnType<typeof mapPoints>): Record<string, unknown> {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    width: 720,
    height: 380,
    projection: { type: "equalEarth" },
    layer: [
      {
        data: { values: world, format: { type: "topojson", feature: "countries" } },
        mark: { type: "geoshape", fill: "#e5e7eb", stroke: "#ffffff", strokeWidth: 0.5 },
      },
      {
        data: { values: points },
        mark: { type: "circle", color: "#c2410c", opacity: 0.7, stroke: "#7c2d12", strokeWidth: 0.5 },
        encoding: {
          longitude: { field: "lon", type: "quantitative" },
          latitude: { field: "lat", type: "quantitative" },
          size: { field: "bytes", type: "quantitative", title: "Bytes", scale: { range: [40, 1600] } },
          tooltip: [
            { field: "place", type: "nominal", title: "Place" },
            { field: "addresses", type: "quantitative", title: "Addresses" },
            { field: "bytes", type: "quantitative", title: "Bytes", format: "~s" },
            { field: "sample", type: "nominal", title: "Examples" },
          ],
        },
      },
    ],
  };
}

/** Builds the report of one pcap analysis. */
export function composePcapReport(result: PcapResult, options: PcapReportOptions = {}): Report {
  const t = result.totals;
  const rowsShown = options.tableRows ?? 50;
  const conv = dataset(result, "pcapConversations");
  const eps = dataset(result, "pcapEndpoints");
  const timeline = dataset(result, "pcapTimeline");
  const ports = dataset(result, "pcapPorts");
  const dns = dataset(result, "pcapDns");
  const http = dataset(result, "pcapHttp");
  const captures = dataset(result, "pcapCaptures");
  const urgent = result.findings.filter((f) => f.severity === "critical" || f.severity === "high").length;
  const span = t.firstUs !== null && t.lastUs !== null ? (t.lastUs - t.firstUs) / 1000 : null;
  const figures: Figure[] = [
    { label: "Packets", value: t.packets, type: "integer" },
    { label: "Bytes", value: t.bytes, type: "bytes" },
    { label: "Duration", value: span, type: "duration" },
    { label: "Conversations", value: conv?.rows.length ?? 0, type: "integer" },
    { label: "Endpoints", value: eps?.rows.length ?? 0, type: "integer" },
    { label: "Findings", value: result.findings.length, type: "integer", tone: urgent ? "bad" : result.findings.length ? "warn" : "good", note: `${urgent} high or critical` },
    { label: "DNS messages", value: t.dnsMessages, type: "integer" },
    { label: "HTTP requests", value: t.httpRequests, type: "integer" },
  ];
  if (t.cutPackets) figures.push({ label: "Cut frames", value: t.cutPackets, type: "integer", tone: "warn", note: "shorter than on the wire" });
  if (result.errors.length) figures.push({ label: "Read errors", value: result.errors.length, type: "integer", tone: "bad", note: "analysis is partial" });

  const sections: Section[] = [{ kind: "figures", title: "Summary", figures }];
  if (result.errors.length) {
    sections.push({
      kind: "prose",
      title: "Partial analysis",
      markdown: ["Some captures could not be read to the end; the packets before each fault were analysed.", "", ...result.errors.map((e) => `- \`${e.code}\` ${mdLiteral(e.message)} (${mdLiteral(e.where ?? "")})`)].join("\n"),
    });
  }
  sections.push({ kind: "findings", title: "Findings", findings: result.findings, emptyText: "No detector fired on this capture." });
  const points = eps ? mapPoints(eps.rows as EndpointRow[]) : [];
  if (options.world && points.length) {
    sections.push({ kind: "chart", title: "Where the endpoints are", spec: worldMapSpec(options.world, points), caption: `${points.length} located place(s); circle area grows with bytes exchanged.` });
  }
  if (conv) sections.push({ kind: "table", title: "Conversations", dataset: conv, limit: rowsShown });
  if (eps) sections.push({ kind: "table", title: "Endpoints", dataset: eps, limit: rowsShown, columns: ["ip", "packetsSent", "packetsReceived", "bytesSent", "bytesReceived", "country", "city", "asn", "asOrg"] });
  if (timeline && timeline.rows.length > 1) {
    sections.push({ kind: "chart", title: "Traffic over time", spec: timeSeries({ x: "start", y: "packets", yTitle: "Packets per bin" }), dataset: timeline, caption: `Bin width ${formatDuration((timeline.rows[0] as { width: number }).width)}.` });
  }
  if (ports && ports.rows.length) {
    sections.push({ kind: "chart", title: "Top service ports", spec: barChart({ x: "port", y: "packets", horizontal: true, xTitle: "Port", yTitle: "Packets", color: "protocol" }), dataset: { ...ports, rows: ports.rows.slice(0, 15) } });
    sections.push({ kind: "table", dataset: ports, limit: 20 });
  }
  if (dns && dns.rows.length) sections.push({ kind: "table", title: "DNS", dataset: dns, limit: rowsShown });
  if (http && http.rows.length) sections.push({ kind: "table", title: "HTTP requests", dataset: http, limit: rowsShown });
  const thresholdRows = describeThresholds(result.thresholds).map((x) => `| \`${x.name}\` | ${mdLiteral(x.value)} | ${x.meaning} |`);
  sections.push({
    kind: "prose",
    title: "Appendix: methods and thresholds",
    pageBreakBefore: true,
    markdown: [
      "Captures are streamed in large chunks (pcap in both byte orders and µs/ns resolution, pcapng with per-interface resolution, gzip) and decoded from Ethernet (802.1Q/QinQ), Linux cooked (SLL, SLL2), raw IP, BSD null/loop, PPP and Cisco HDLC through IPv4/IPv6 to TCP, UDP and ICMP. DNS is read over UDP and over TCP (segments joined per connection). HTTP request lines and IRC lines are read from single TCP segments.",
      "",
      "Conversations join both directions of a 5-tuple; the first sender is the source. Service ports count each packet under its lower port. Frames cut by the snap length are decoded as far as they go.",
      "",
      "| Threshold | Value | Meaning |",
      "|---|---|---|",
      ...thresholdRows,
      "",
      ...(result.warnings.length ? ["**Notes on completeness**", "", ...result.warnings.slice(0, 30).map((w) => `- ${mdLiteral(w)}`)] : []),
    ].join("\n"),
  });
  if (captures) sections.push({ kind: "table", title: "Captures read", dataset: captures });

  return {
    title: options.title ?? "Packet capture forensics",
    subtitle: `${t.packets.toLocaleString("en")} packets, ${result.findings.length} finding(s)`,
    ...(options.scope ? { scope: options.scope } : {}),
    lang: options.lang ?? "en",
    sections,
    datasets: result.datasets,
    findings: result.findings,
    attributions: options.attributions ?? [],
  };
}

/** KML of the located endpoints, one placemark per address (names and text escaped by toKml). */
export function composePcapKml(result: PcapResult, name = "netreport pcap endpoints"): { kml: string; warnings: string[] } {
  const warnings: string[] = [];
  const eps = (dataset(result, "pcapEndpoints")?.rows ?? []) as EndpointRow[];
  const placemarks = eps
    .filter((e) => e.lat !== null && e.lon !== null)
    .map((e) => ({
      name: e.ip,
      description: [e.city, e.country, e.asOrg && `AS${e.asn} ${e.asOrg}`, `${e.packetsSent + e.packetsReceived} packets, ${e.bytesSent + e.bytesReceived} bytes`].filter(Boolean).join(" — "),
      lat: e.lat!,
      lon: e.lon!,
    }));
  return { kml: toKml({ name, placemarks }, { warnings }), warnings };
}
