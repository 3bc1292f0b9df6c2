/**
 * The service ↔ peer graph of one machine: who talks to its listening services, and where its
 * processes connect to. Pure: datasets in, a DotGraph out (every id and label escaped by toDot).
 *
 *   inbound:  peer address ──n──▶ [process  tcp/22 ssh]      (inside the "this machine" cluster)
 *   outbound: [process] ──n──▶ peer address:port (service)
 */
import type { DotEdge, DotGraph, DotNode } from "../../render/dot.js";
import { PALETTE } from "../../render/theme.js";
import { isLoopbackAddress, type ConnectionRow, type ListeningRow } from "../../analyses/sessions/classify.js";

/** Options of {@link localServiceGraph}. */
export interface LocalGraphOptions {
  /** Label of the cluster around this machine's nodes. */
  machineLabel: string;
  /** At most this many peer nodes; the busiest are kept. Default 40. */
  maxPeers?: number;
}

/** The graph and what was left out of it. */
export interface LocalGraph {
  graph: DotGraph;
  peers: number;
  peersShown: number;
  connections: number;
}

/** Builds the service ↔ peer graph from listening services and connections. */
export function localServiceGraph(services: readonly ListeningRow[], connections: readonly ConnectionRow[], options: LocalGraphOptions): LocalGraph {
  const maxPeers = options.maxPeers ?? 40;
  // Local ends: one node per listening port (inbound) and per process (outbound).
  const local = new Map<string, DotNode>();
  const serviceNode = (c: ConnectionRow): string => {
    const id = `svc ${c.protocol}/${c.localPort}`;
    if (!local.has(id)) {
      const l = services.find((s) => s.protocol === c.protocol && s.port === c.localPort);
      const proc = c.process ?? l?.process ?? null;
      const svc = c.service ? ` ${c.service}` : "";
      local.set(id, { id, attrs: { label: `${proc ?? "?"}\n${c.protocol}/${c.localPort}${svc}`, shape: "box", style: "rounded,filled", fillcolor: "#e8eef8" } });
    }
    return id;
  };
  const processNode = (c: ConnectionRow): string => {
    const id = `proc ${c.pid ?? "?"} ${c.process ?? "?"}`;
    if (!local.has(id)) local.set(id, { id, attrs: { label: c.pid === null ? (c.process ?? "unknown process") : `${c.process ?? "?"} (${c.pid})`, shape: "box", style: "filled", fillcolor: "#f3f4f6" } });
    return id;
  };
  // Peers, weighted by connections.
  const edges = new Map<string, { from: string; to: string; n: number; inbound: boolean }>();
  const peerWeight = new Map<string, number>();
  const peerInfo = new Map<string, { label: string; loopback: boolean }>();
  const live = connections.filter((c) => c.state !== "TIME_WAIT" && c.state !== "CLOSE");
  const peerOf = (c: ConnectionRow): string => {
    const inbound = c.direction === "inbound";
    const id = inbound ? `peer ${c.remoteAddress}` : `peer ${c.remoteAddress} ${c.remotePort}`;
    if (!peerInfo.has(id)) {
      const host = c.remoteAddress.includes(":") && !inbound ? `[${c.remoteAddress}]` : c.remoteAddress;
      const svc = !inbound && c.service ? ` ${c.service}` : "";
      peerInfo.set(id, { label: inbound ? host : `${host}:${c.remotePort}${svc}`, loopback: isLoopbackAddress(c.remoteAddress) });
    }
    return id;
  };
  for (const c of live) {
    const peer = peerOf(c);
    peerWeight.set(peer, (peerWeight.get(peer) ?? 0) + 1);
  }
  const kept = new Set([...peerWeight.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, maxPeers).map(([p]) => p));
  const peerNodes: DotNode[] = [];
  let shown = 0;
  for (const c of live) {
    const inbound = c.direction === "inbound";
    const peer = peerOf(c);
    if (!kept.has(peer)) continue;
    shown++;
    const mine = inbound ? serviceNode(c) : processNode(c);
    const key = `${peer}\u0000${mine}`;
    const e = edges.get(key);
    if (e) e.n++;
    else edges.set(key, { from: inbound ? peer : mine, to: inbound ? mine : peer, n: 1, inbound });
  }
  for (const peer of kept) {
    const { label, loopback } = peerInfo.get(peer)!;
    peerNodes.push({ id: peer, attrs: { label: loopback ? `${label}\n(loopback)` : label, shape: "ellipse", color: loopback ? "#9ca3af" : "#4b5563" } });
  }
  const dotEdges: DotEdge[] = [...edges.values()].map((e) => ({
    from: e.from,
    to: e.to,
    attrs: { label: e.n > 1 ? String(e.n) : undefined, color: e.inbound ? PALETTE[0] : PALETTE[1], penwidth: Math.min(4, 1 + Math.log2(e.n)) },
  }));
  return {
    graph: {
      directed: true,
      name: "services",
      attrs: { graph: { rankdir: "LR", nodesep: 0.25, ranksep: 0.8 }, node: { fontsize: 10 }, edge: { fontsize: 9, arrowsize: 0.7 } },
      clusters: [{ id: "machine", attrs: { label: options.machineLabel, style: "rounded", color: "#9ca3af" }, nodes: [...local.values()] }],
      nodes: peerNodes,
      edges: dotEdges,
    },
    peers: peerWeight.size,
    peersShown: kept.size,
    connections: shown,
  };
}
