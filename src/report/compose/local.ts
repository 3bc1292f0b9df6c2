/**
 * The report of one machine (`netreport demo`): interface traffic sampled from /proc/net/dev,
 * listening services and connections from /proc/net/{tcp,udp}[6].
 *
 *   summary figures → exposure findings → traffic over time → interfaces → listening services →
 *   service ↔ peer graph → connections → appendix (sources and method)
 *
 * Pure: datasets in, a Report out. Every part is optional, so a caller with only sockets (or
 * only traffic) still gets a report.
 */
import { hostname } from "node:os";
import { sortFindings, type Finding } from "../../dataset/finding.js";
import type { AnyDataset } from "../../dataset/types.js";
import type { Figure, Report, Section } from "../types.js";
import type { InterfaceSummaryRow, TrafficRow } from "../../analyses/traffic/rates.js";
import type { ConnectionRow, ListeningRow } from "../../analyses/sessions/classify.js";
import type { TrafficResult } from "../../analyses/traffic/sample.js";
import type { SocketsResult } from "../../analyses/sessions/read.js";
import { timeSeries } from "../../render/charts.js";
import { toDot } from "../../render/dot.js";
import { localServiceGraph } from "./localGraph.js";
import { mdLiteral } from "../markdown.js";
import { byChineseScript } from "../../lang.js";

/** The datasets of one machine: `{ ...await sampleTraffic(), ...await readSockets() }`. */
export type LocalEvidence = Partial<TrafficResult> & Partial<SocketsResult>;

/** Options of {@link composeLocalReport}. */
export interface LocalReportOptions {
  /** Report title. Default "Host network report: <host name>". */
  title?: string;
  /**
   * Language of the report (BCP 47): numbers and dates follow it; the words are Simplified Chinese
   * (zh-CN), Traditional Chinese (zh-TW, zh-HK) or English for every other language. Default "en".
   */
  lang?: string;
  /** Rows shown in the connections table. Default 100. */
  tableRows?: number;
  /** Sentences added to the appendix (e.g. that the demo made loopback traffic of its own). */
  notes?: string[];
}

/**
 * Ports whose services should rarely listen on every interface: remote administration, file
 * sharing, databases and caches that are often deployed without authentication.
 */
export const EXPOSED_RISKY_PORTS: Readonly<Record<number, string>> = {
  21: "FTP", 23: "Telnet", 111: "RPC portmapper", 135: "MS RPC", 139: "NetBIOS", 445: "SMB", 873: "rsync",
  1433: "MS SQL", 1521: "Oracle", 2049: "NFS", 2375: "Docker API (no TLS)", 3306: "MySQL", 3389: "RDP",
  5432: "PostgreSQL", 5900: "VNC", 5984: "CouchDB", 6379: "Redis", 9200: "Elasticsearch", 11211: "memcached", 27017: "MongoDB",
};

const WORDS = {
  en: {
    title: "Host network report", summary: "Summary", findings: "Exposure", noFindings: "No risky service listens on every interface.",
    traffic: "Traffic over time", interfaces: "Interfaces", services: "Listening services", graph: "Services and peers",
    connections: "Connections", appendix: "Appendix: sources and method", bytesPerSec: "Bytes per second",
    figInterfaces: "Interfaces", figIn: "Received", figOut: "Sent", figPeak: "Peak rate", figListening: "Listening sockets",
    figExposed: "On all interfaces", figConnections: "Connections", figPeers: "Peers", window: "during the window",
  },
  "zh-CN": {
    title: "主机网络报告", summary: "概要", findings: "暴露面", noFindings: "没有高风险服务监听在所有网卡上。",
    traffic: "流量趋势", interfaces: "网络接口", services: "监听服务", graph: "服务与对端",
    connections: "连接", appendix: "附录：数据来源与方法", bytesPerSec: "字节/秒",
    figInterfaces: "网络接口", figIn: "接收", figOut: "发送", figPeak: "峰值速率", figListening: "监听套接字",
    figExposed: "监听所有网卡", figConnections: "连接数", figPeers: "对端", window: "采样期间",
  },
  "zh-TW": {
    title: "主機網路報告", summary: "摘要", findings: "對外暴露", noFindings: "沒有高風險服務監聽所有網路介面。",
    traffic: "流量趨勢", interfaces: "網路介面", services: "監聽服務", graph: "服務與遠端主機",
    connections: "連線", appendix: "附錄：資料來源與方法", bytesPerSec: "位元組/秒",
    figInterfaces: "網路介面", figIn: "接收", figOut: "傳送", figPeak: "尖峰速率", figListening: "監聽通訊端",
    figExposed: "監聽所有網路介面", figConnections: "連線數", figPeers: "遠端位址", window: "取樣期間",
  },
};

/** Findings for risky services bound to the wildcard address, most urgent first. */
export function exposureFindings(services: readonly ListeningRow[]): Finding[] {
  const byPort = new Map<number, ListeningRow[]>();
  for (const s of services) {
    if (s.exposure !== "all interfaces" || EXPOSED_RISKY_PORTS[s.port] === undefined) continue;
    byPort.set(s.port, [...(byPort.get(s.port) ?? []), s]);
  }
  return sortFindings([...byPort.entries()].map(([port, rows]) => {
    const name = EXPOSED_RISKY_PORTS[port]!;
    const procs = [...new Set(rows.map((r) => r.process ?? "unknown process"))].join(", ");
    return {
      rule: "local.exposed-risky-port",
      severity: port === 23 || port === 2375 ? "high" : "medium",
      title: `${name} (port ${port}) listens on every interface`,
      summary: `${procs} accepts ${rows.map((r) => r.protocol.toUpperCase()).join("/")} connections on port ${port} from any network this machine is attached to. ${name} is a frequent target when exposed beyond the hosts that need it.`,
      evidence: rows.map((r) => ({ description: `${r.protocol} ${r.address}:${r.port}`, addresses: [r.address], ports: [r.port], data: { process: r.process, pid: r.pid, uid: r.uid, connections: r.connections } })),
      recommendation: `Bind ${name} to loopback or to the one address that needs it, or restrict port ${port} with a host firewall.`,
    } satisfies Finding;
  }));
}

/** Traffic rows → one line per interface and direction, for the chart. */
function trafficSeries(rows: readonly TrafficRow[], keep: ReadonlySet<string>): Array<{ time: string; series: string; rate: number }> {
  return rows.filter((r) => keep.has(r.interface)).flatMap((r) => [
    { time: r.time, series: `${r.interface} in`, rate: r.rxBytesPerSec },
    { time: r.time, series: `${r.interface} out`, rate: r.txBytesPerSec },
  ]);
}

/** Line chart of rates; seconds on the time axis, and a 0..1 scale when every rate is zero. */
function trafficChart(values: ReturnType<typeof trafficSeries>, yTitle: string): Record<string, unknown> {
  const spec = timeSeries({ x: "time", y: "rate", series: "series", yFormat: "~s", yTitle });
  const enc = spec.encoding as Record<string, Record<string, unknown>>;
  enc.x = { ...enc.x, axis: { format: "%H:%M:%S", labelAngle: 0 } };
  if (values.every((v) => v.rate === 0)) enc.y = { ...enc.y, scale: { domain: [0, 1] } };
  return { ...spec, width: 560, height: 220, data: { values } };
}

/** Builds the report of one machine from its traffic and socket datasets. */
export function composeLocalReport(evidence: LocalEvidence, options: LocalReportOptions = {}): Report {
  const lang = options.lang ?? "en";
  const w = byChineseScript(lang, { hans: WORDS["zh-CN"], hant: WORDS["zh-TW"], other: WORDS.en });
  const host = evidence.services?.provenance.host ?? evidence.traffic?.provenance.host ?? hostname();
  const ifaces = (evidence.interfaces?.rows ?? []) as InterfaceSummaryRow[];
  const services = (evidence.services?.rows ?? []) as ListeningRow[];
  const connections = (evidence.connections?.rows ?? []) as ConnectionRow[];
  const findings = exposureFindings(services);
  const established = connections.filter((c) => c.state === "ESTABLISHED");
  const exposed = services.filter((s) => s.exposure === "all interfaces").length;

  // 1. Summary figures.
  const figures: Figure[] = [];
  if (evidence.interfaces) {
    const sum = (f: (r: InterfaceSummaryRow) => number) => ifaces.reduce((a, r) => a + f(r), 0);
    figures.push(
      { label: w.figInterfaces, value: ifaces.length, type: "integer" },
      { label: w.figIn, value: sum((r) => r.rxBytes), type: "bytes", note: w.window },
      { label: w.figOut, value: sum((r) => r.txBytes), type: "bytes", note: w.window },
      { label: w.figPeak, value: Math.max(0, ...ifaces.map((r) => Math.max(r.rxPeakRate, r.txPeakRate))), type: "byteRate" },
    );
  }
  if (evidence.services) {
    figures.push(
      { label: w.figListening, value: services.length, type: "integer" },
      { label: w.figExposed, value: exposed, type: "integer", tone: findings.length ? "warn" : "neutral" },
      { label: w.figConnections, value: established.length, type: "integer" },
      { label: w.figPeers, value: new Set(connections.map((c) => c.remoteAddress)).size, type: "integer" },
    );
  }
  const sections: Section[] = [{ kind: "figures", title: w.summary, figures }];
  if (evidence.services) sections.push({ kind: "findings", title: w.findings, findings, emptyText: w.noFindings });

  // 2. Traffic.
  if (evidence.traffic && evidence.traffic.rows.length) {
    const busiest = [...ifaces].sort((a, b) => b.rxBytes + b.txBytes - (a.rxBytes + a.txBytes)).slice(0, 6).map((r) => r.interface);
    const values = trafficSeries(evidence.traffic.rows, new Set(busiest));
    sections.push({
      kind: "chart",
      title: w.traffic,
      spec: trafficChart(values, w.bytesPerSec),
      caption: `${busiest.length} busiest interface(s); one point per ${(Number((evidence.traffic.provenance.parameters as { intervalMs?: number }).intervalMs ?? 0) / 1000).toFixed(1)} s interval.`,
    });
  }
  if (evidence.interfaces) sections.push({ kind: "table", title: w.interfaces, dataset: evidence.interfaces as AnyDataset, columns: ["interface", "rxBytes", "txBytes", "rxPackets", "txPackets", "rxPeakRate", "txPeakRate", "errors", "dropped"] });

  // 3. Services, graph, connections.
  if (evidence.services) sections.push({ kind: "table", title: w.services, dataset: evidence.services as AnyDataset });
  if (evidence.connections) {
    const g = localServiceGraph(services, connections, { machineLabel: host });
    if (g.graph.edges.length) {
      const more = g.peers > g.peersShown ? ` The ${g.peersShown} busiest of ${g.peers} peers are shown.` : "";
      sections.push({ kind: "graph", title: w.graph, dot: toDot(g.graph), caption: `Blue: peers connected to this machine's services. Orange: connections this machine's processes opened.${more}` });
    }
    // The queues and the guessed service stay in the dataset (JSON, CSV); the table keeps to what fits a page.
    sections.push({ kind: "table", title: w.connections, dataset: evidence.connections as AnyDataset, limit: options.tableRows ?? 100, columns: ["protocol", "direction", "localAddress", "localPort", "remoteAddress", "remotePort", "state", "process", "pid"] });
  }

  // 4. Appendix.
  const warnings = [...new Set([evidence.traffic, evidence.services].flatMap((d) => d?.warnings ?? []))];
  sections.push({
    kind: "prose",
    title: w.appendix,
    markdown: [
      "Interface counters are read from `/proc/net/dev` at the start and end of each interval; rates divide the counter change by the measured time between reads. A counter that went backwards (interface re-created) leaves that interval out.",
      "",
      "Sockets are read from `/proc/net/tcp`, `tcp6`, `udp` and `udp6` of this network namespace; their processes from `/proc/<pid>/fd`, as `ss -p` does. A connection is *inbound* when its local port is one this machine listens on. Service names are the usual names of the port numbers, not what actually answers.",
      "",
      "Nothing is sent on the network to make this report.",
      ...(options.notes?.length ? ["", ...options.notes] : []),
      ...(warnings.length ? ["", "**Notes on completeness**", "", ...warnings.slice(0, 20).map((x) => `- ${mdLiteral(x)}`)] : []),
    ].join("\n"),
  });

  const datasets = [evidence.traffic, evidence.interfaces, evidence.services, evidence.connections].filter((d): d is NonNullable<typeof d> => d !== undefined) as AnyDataset[];
  return {
    title: options.title ?? `${w.title}: ${host}`,
    scope: host,
    lang,
    metadata: { Sources: "/proc/net/dev, /proc/net/{tcp,udp}[6], /proc/<pid>/fd" },
    sections,
    datasets,
    findings,
  };
}
