/** The service ↔ peer graph and exposure findings of the host report, with hostile names. */
import { describe, expect, it } from "vitest";
import { toDot } from "../../../src/render/dot.js";
import { renderDot } from "../../../src/render/graphviz.js";
import { localServiceGraph } from "../../../src/report/compose/localGraph.js";
import { composeLocalReport, exposureFindings } from "../../../src/report/compose/local.js";
import { makeDataset, provenance } from "../../../src/dataset/create.js";
import { markdownToHtml } from "../../../src/report/markdown.js";
import { LISTENING_KIND } from "../../../src/analyses/sessions/read.js";
import { dataMadeElements, HOSTILE_TEXT, oneLine, visibleText } from "../../helpers/prose.js";
import type { ConnectionRow, ListeningRow } from "../../../src/analyses/sessions/classify.js";
import { elementTexts } from "../../render/svg.js";

const HOSTILE = ['<script>alert(1)</script>', '"];x->y', "{{x}}", "\\N", "服务 مرحبا"];

const listener = (port: number, process: string, address = "0.0.0.0"): ListeningRow => ({ protocol: "tcp", address, port, service: null, exposure: address === "0.0.0.0" ? "all interfaces" : "loopback", process, pid: 100 + port, uid: 0, connections: 1 });
const conn = (o: Partial<ConnectionRow>): ConnectionRow => ({ protocol: "tcp", direction: "inbound", localAddress: "198.18.0.1", localPort: 22, remoteAddress: "198.18.0.9", remotePort: 40000, state: "ESTABLISHED", service: null, process: null, pid: null, uid: 0, txQueue: 0, rxQueue: 0, ...o });

describe("localServiceGraph", () => {
  it("shows hostile process names as text and keeps the graph's structure", async () => {
    const services = HOSTILE.map((p, i) => listener(1000 + i, p));
    const connections = HOSTILE.map((p, i) => conn({ localPort: 1000 + i, process: p, pid: 1100 + i, remotePort: 50000 + i }));
    connections.push(conn({ direction: "outbound", localPort: 45000, remoteAddress: "2001:db8::5", remotePort: 443, service: "https", process: HOSTILE[0]!, pid: 7 }));
    connections.push(conn({ localPort: 1000, remotePort: 50100, process: HOSTILE[0]!, pid: 1100 }));
    const g = localServiceGraph(services, connections, { machineLabel: "host <b>" });
    const svg = await renderDot(toDot(g.graph));
    const texts = elementTexts(svg);
    for (const h of HOSTILE) expect(texts).toContain(h);
    expect(texts).toContain("host <b>");
    expect(texts).toContain("[2001:db8::5]:443 https");
    expect(texts).toContain("2"); // two connections from 198.18.0.9 to port 1000 share one edge
    expect(svg).not.toContain("<script>");
    // One peer address (inbound) + one outbound peer; five services + one process node.
    expect(svg.match(/class="node"/g)).toHaveLength(2 + HOSTILE.length + 1);
    expect(svg.match(/class="edge"/g)).toHaveLength(HOSTILE.length + 1);
  });

  it("keeps the busiest peers when there are too many", () => {
    const connections = Array.from({ length: 30 }, (_, i) => conn({ remoteAddress: `198.18.1.${i}`, remotePort: 40000 + i }));
    connections.push(conn({ remoteAddress: "198.18.1.29", remotePort: 41000 }));
    const g = localServiceGraph([listener(22, "sshd")], connections, { machineLabel: "m", maxPeers: 5 });
    expect(g).toMatchObject({ peers: 30, peersShown: 5 });
    expect(g.graph.nodes.map((n) => n.id)).toContain("peer 198.18.1.29");
  });
});

describe("exposureFindings", () => {
  it("flags risky ports bound to every interface, not loopback or unknown ports", () => {
    const f = exposureFindings([listener(3306, "mysqld"), listener(6379, "redis-server", "127.0.0.1"), listener(8080, "java"), listener(23, "telnetd")]);
    expect(f.map((x) => [x.severity, x.title])).toEqual([
      ["high", "Telnet (port 23) listens on every interface"],
      ["medium", "MySQL (port 3306) listens on every interface"],
    ]);
    expect(f.find((x) => x.title.startsWith("MySQL"))!.evidence[0]).toMatchObject({ addresses: ["0.0.0.0"], ports: [3306], data: { process: "mysqld" } });
  });
});

describe("composeLocalReport appendix", () => {
  it("shows dataset warnings as text: no link, autolink, image or markup of their making", () => {
    const services = makeDataset({ kind: LISTENING_KIND, schemaVersion: 1, title: "Listening", columns: [], rows: [] as ListeningRow[], provenance: provenance("sessions", {}) });
    services.warnings.push(...HOSTILE_TEXT);
    const appendix = composeLocalReport({ services }).sections.at(-1)!;
    const html = markdownToHtml(appendix.kind === "prose" ? appendix.markdown : "");
    expect(dataMadeElements(html)).toEqual(["<em>"]); // the report's own *inbound*, nothing else
    for (const w of HOSTILE_TEXT) expect(visibleText(html)).toContain(oneLine(w));
  });
});
