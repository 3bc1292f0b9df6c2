/**
 * The route graph of a trace, as data: what scapy's `TracerouteResult.graph()` draws, plus AS
 * groups and port states. Pure; built from hop rows alone, so a saved dataset can be drawn again.
 * The report turns it into DOT (report/compose/trace.ts), where every text is escaped.
 *
 * - one node per answering address, shared by every path through it;
 * - one `unk` node per silent hop of each target (silent hops of different targets are not the
 *   same router, as far as anyone knows);
 * - one node per target, carrying each port's final reply (SA/RA/…/unk); a target no probe
 *   reached hangs off its last answering hop by a dashed edge;
 * - edges per target (coloured per target by the renderer), in TTL order;
 * - groups: the answering addresses of one AS.
 */
import type { ReplyKind, TraceHopRow } from "./types.js";

/** A node of the route graph. */
export interface RouteNode {
  id: string;
  role: "source" | "hop" | "silent" | "target";
  /** Address, null for silent hops. */
  address: string | null;
  asn: number | null;
  asOrg: string | null;
  /** Place, e.g. `Frankfurt, DE`, or null. */
  place: string | null;
  /** Scope label of a non-public address, else null. */
  scope: string | null;
  /** Targets: the final reply per port (null port for UDP/ICMP). */
  ports: { port: number | null; kind: ReplyKind }[];
  /** Lowest TTL the node answered at. */
  ttl: number | null;
}

/** An edge of one target's path. */
export interface RouteEdge {
  from: string;
  to: string;
  /** The target whose path this is. */
  target: string;
  /** True for the guessed last step to a target that never answered. */
  dashed: boolean;
}

/** The answering addresses of one AS. */
export interface RouteGroup {
  asn: number;
  asOrg: string | null;
  nodes: string[];
}

/** The whole graph. */
export interface RouteGraph {
  targets: string[];
  nodes: RouteNode[];
  edges: RouteEdge[];
  groups: RouteGroup[];
}

/** The node id of the probing host. */
export const SOURCE_NODE = "source";

const silentId = (target: string, ttl: number) => `unk|${target}|${ttl}`;

/** Builds the route graph from hop rows (any order) and the probing source address. */
export function buildRouteGraph(rows: readonly TraceHopRow[], source: string | null): RouteGraph {
  const nodes = new Map<string, RouteNode>();
  const edges = new Map<string, RouteEdge>();
  const targets: string[] = [];
  nodes.set(SOURCE_NODE, { id: SOURCE_NODE, role: "source", address: source, asn: null, asOrg: null, place: null, scope: null, ports: [], ttl: 0 });
  const paths = new Map<string, TraceHopRow[]>();
  for (const r of rows) {
    const k = `${r.target}|${r.port ?? ""}`;
    let list = paths.get(k);
    if (!list) paths.set(k, (list = []));
    list.push(r);
    if (!targets.includes(r.target)) targets.push(r.target);
  }
  const node = (id: string, init: () => RouteNode): RouteNode => {
    let n = nodes.get(id);
    if (!n) nodes.set(id, (n = init()));
    return n;
  };
  const edge = (from: string, to: string, target: string, dashed: boolean) => {
    const k = `${from}\u0000${to}\u0000${target}`;
    if (!edges.has(k)) edges.set(k, { from, to, target, dashed });
  };
  for (const list of paths.values()) {
    list.sort((a, b) => a.ttl - b.ttl);
    const target = list[0]!.target;
    const targetNode = node(target, () => ({ id: target, role: "target", address: target, asn: null, asOrg: null, place: null, scope: null, ports: [], ttl: null }));
    const reached = list.some((r) => r.isTarget);
    // Trailing silent hops of a path that never arrived say nothing about the way on: they are
    // left out and the target hangs off the last answering hop by a dashed edge.
    let end = list.length - 1;
    if (!reached) while (end >= 0 && list[end]!.address === null) end--;
    let prev = SOURCE_NODE;
    for (const r of list.slice(0, end + 1)) {
      let id: string;
      if (r.address === null) {
        id = silentId(target, r.ttl);
        node(id, () => ({ id, role: "silent", address: null, asn: null, asOrg: null, place: null, scope: null, ports: [], ttl: r.ttl }));
      } else {
        id = r.address;
        const n = node(id, () => ({ id, role: "hop", address: r.address, asn: null, asOrg: null, place: null, scope: null, ports: [], ttl: r.ttl }));
        n.asn ??= r.asn;
        n.asOrg ??= r.asOrg;
        n.place ??= [r.city, r.country].filter(Boolean).join(", ") || null;
        n.scope ??= r.scope && r.scope !== "public" ? r.scope : null;
        n.ttl = n.ttl === null ? r.ttl : Math.min(n.ttl, r.ttl);
      }
      if (id !== prev) edge(prev, id, target, false);
      prev = id;
    }
    const last = list[list.length - 1]!;
    targetNode.ports.push({ port: last.port, kind: last.isTarget ? last.kind : "unk" });
    if (!reached) edge(prev, target, target, true);
  }
  // Targets that answered are drawn as targets, not as plain hops.
  for (const t of targets) {
    const n = nodes.get(t)!;
    n.role = "target";
    n.ports.sort((a, b) => (a.port ?? 0) - (b.port ?? 0));
  }
  const groups = new Map<number, RouteGroup>();
  for (const n of nodes.values()) {
    if (n.asn === null || n.role === "source") continue;
    let g = groups.get(n.asn);
    if (!g) groups.set(n.asn, (g = { asn: n.asn, asOrg: n.asOrg, nodes: [] }));
    g.nodes.push(n.id);
  }
  return { targets, nodes: [...nodes.values()], edges: [...edges.values()], groups: [...groups.values()].sort((a, b) => a.asn - b.asn) };
}
