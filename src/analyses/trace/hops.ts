/**
 * Probes + replies → hops. Pure: the raw engine and the tests feed it what was sent and what
 * came back, with times in ms from any common clock.
 *
 *   1. group probes by path (target, port) and TTL, in send order;
 *   2. give each probe its first matching reply (a reply whose source or quoted destination
 *      does not fit the probe is ignored);
 *   3. find each path's destination TTL: the lowest TTL with a terminal reply (SA, RA, echo
 *      reply, unreachable) — the trace stops there;
 *   4. one hop per TTL up to it: the address that answered most, its kind, the RTTs.
 */
import type { Reply } from "./match.js";
import { isTerminal, type ProbeProtocol, type ReplyKind } from "./types.js";

/** One probe sent. */
export interface SentProbe {
  index: number;
  target: string;
  /** TCP destination port; null for UDP and ICMP. */
  port: number | null;
  ttl: number;
  /** Send time, ms. */
  sentAt: number;
}

/** A reply and when it arrived, ms on the probes' clock. */
export interface ReceivedReply extends Reply {
  at: number;
}

/** One hop of one path before enrichment. */
export interface Hop {
  target: string;
  protocol: ProbeProtocol;
  port: number | null;
  ttl: number;
  address: string | null;
  kind: ReplyKind;
  isTarget: boolean;
  rttMs: number | null;
  /** RTT per probe in send order; null for unanswered probes. */
  rtts: (number | null)[];
}

const pathKey = (target: string, port: number | null) => `${target}|${port ?? ""}`;

/** Pairs each probe with its first fitting reply (step 2). Returns reply per probe index. */
export function matchReplies(probes: readonly SentProbe[], replies: readonly ReceivedReply[]): Map<number, ReceivedReply> {
  const byIndex = new Map<number, SentProbe>();
  for (const p of probes) byIndex.set(p.index, p);
  const out = new Map<number, ReceivedReply>();
  for (const r of replies) {
    const p = byIndex.get(r.index);
    if (!p || out.has(r.index) || r.probeDst !== p.target || r.at < p.sentAt) continue;
    out.set(r.index, r);
  }
  return out;
}

/** Destination TTL per path (step 3): the lowest TTL with a terminal reply, absent when not reached. */
export function destinationTtls(probes: readonly SentProbe[], matched: ReadonlyMap<number, ReceivedReply>): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of probes) {
    const r = matched.get(p.index);
    if (!r || !isTerminal(r.kind)) continue;
    const k = pathKey(p.target, p.port);
    if (!(out.get(k)! <= p.ttl)) out.set(k, p.ttl);
  }
  return out;
}

/** (target, port, ttl) of hops that stayed silent below their path's destination: what a retry round probes. */
export function silentHops(probes: readonly SentProbe[], matched: ReadonlyMap<number, ReceivedReply>): { target: string; port: number | null; ttl: number }[] {
  const dest = destinationTtls(probes, matched);
  const answered = new Set<string>();
  const all = new Map<string, { target: string; port: number | null; ttl: number }>();
  for (const p of probes) {
    const k = `${pathKey(p.target, p.port)}|${p.ttl}`;
    if (matched.has(p.index)) answered.add(k);
    const d = dest.get(pathKey(p.target, p.port));
    if (d === undefined || p.ttl < d) all.set(k, { target: p.target, port: p.port, ttl: p.ttl });
  }
  return [...all.entries()].filter(([k]) => !answered.has(k)).map(([, v]) => v);
}

/** What a {@link CompletionTracker} keeps of one path. */
interface PathProgress {
  probed: Set<number>;
  answered: Set<number>;
  /** Lowest TTL with a terminal reply, Infinity while none. */
  dest: number;
  /** Probed TTLs below `dest` without a reply. */
  missing: number;
}

/** Whether every path is done, kept up to date as probes go out and replies come in. */
export interface CompletionTracker {
  /** Records a probe as it is sent. */
  sent(p: SentProbe): void;
  /** Records a reply as it arrives. */
  received(r: ReceivedReply): void;
  /**
   * True when `paths` paths have their destination TTL and no probed TTL below it is silent:
   * what destinationTtls and silentHops say of the same probes and replies (steps 2–3), without
   * going over all of them again on every wake-up.
   */
  complete(): boolean;
}

/** Starts tracking a run of `paths` paths (targets × ports). */
export function completionTracker(paths: number): CompletionTracker {
  const probes = new Map<number, SentProbe>();
  const matched = new Set<number>();
  const byPath = new Map<string, PathProgress>();
  let done = 0;
  const progressOf = (p: SentProbe): PathProgress => {
    const k = pathKey(p.target, p.port);
    let g = byPath.get(k);
    if (!g) byPath.set(k, (g = { probed: new Set(), answered: new Set(), dest: Infinity, missing: 0 }));
    return g;
  };
  /** Applies a change to `g`, keeping `done` (paths with a destination and nothing missing) right. */
  const update = (g: PathProgress, change: () => void) => {
    const was = g.dest !== Infinity && g.missing === 0;
    change();
    const is = g.dest !== Infinity && g.missing === 0;
    done += Number(is) - Number(was);
  };
  return {
    sent(p) {
      probes.set(p.index, p);
      const g = progressOf(p);
      if (g.probed.has(p.ttl)) return;
      update(g, () => {
        g.probed.add(p.ttl);
        if (p.ttl < g.dest && !g.answered.has(p.ttl)) g.missing++;
      });
    },
    received(r) {
      // Step 2's rule: the first reply that fits a probe sent before it.
      const p = probes.get(r.index);
      if (!p || matched.has(r.index) || r.probeDst !== p.target || r.at < p.sentAt) return;
      matched.add(r.index);
      const g = progressOf(p);
      update(g, () => {
        if (!g.answered.has(p.ttl)) {
          g.answered.add(p.ttl);
          if (p.ttl < g.dest) g.missing--;
        }
        if (isTerminal(r.kind) && p.ttl < g.dest) {
          g.dest = p.ttl;
          g.missing = 0;
          for (const t of g.probed) if (t < g.dest && !g.answered.has(t)) g.missing++;
        }
      });
    },
    complete: () => done === paths,
  };
}

/** Builds the hops of every path (steps 1–4), paths in first-probe order, TTL ascending. */
export function buildHops(protocol: ProbeProtocol, probes: readonly SentProbe[], replies: readonly ReceivedReply[]): Hop[] {
  const matched = matchReplies(probes, replies);
  const dest = destinationTtls(probes, matched);
  const paths = new Map<string, Map<number, SentProbe[]>>();
  for (const p of probes) {
    const k = pathKey(p.target, p.port);
    let ttls = paths.get(k);
    if (!ttls) paths.set(k, (ttls = new Map()));
    let list = ttls.get(p.ttl);
    if (!list) ttls.set(p.ttl, (list = []));
    list.push(p);
  }
  const hops: Hop[] = [];
  for (const [k, ttls] of paths) {
    const last = dest.get(k) ?? Infinity;
    for (const ttl of [...ttls.keys()].sort((a, b) => a - b)) {
      if (ttl > last) break;
      const sent = ttls.get(ttl)!.slice().sort((a, b) => a.sentAt - b.sentAt);
      const rtts = sent.map((p) => {
        const r = matched.get(p.index);
        return r ? Math.round((r.at - p.sentAt) * 1000) / 1000 : null;
      });
      // The address that answered most (ECMP can answer one TTL from several); ties: first.
      const votes = new Map<string, { n: number; kind: ReplyKind }>();
      for (const p of sent) {
        const r = matched.get(p.index);
        if (!r) continue;
        const v = votes.get(r.from);
        if (v) v.n++;
        else votes.set(r.from, { n: 1, kind: r.kind });
      }
      let address: string | null = null;
      let kind: ReplyKind = "unk";
      let best = 0;
      for (const [a, v] of votes) {
        // At the destination TTL a terminal answer wins over a time exceeded from the same probe round.
        if (v.n > best || (ttl === last && isTerminal(v.kind) && !isTerminal(kind))) {
          address = a;
          kind = v.kind;
          best = v.n;
        }
      }
      const answered = rtts.filter((x): x is number => x !== null);
      const first = sent[0]!;
      hops.push({
        target: first.target,
        protocol,
        port: first.port,
        ttl,
        address,
        kind,
        isTarget: address === first.target,
        rttMs: answered.length ? Math.min(...answered) : null,
        rtts,
      });
    }
  }
  return hops;
}
