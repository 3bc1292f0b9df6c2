/**
 * The raw engine's "every path answered?" check, kept up to date as probes and replies come
 * (completionTracker), against the batch rule it replaces: destinationTtls + silentHops over all
 * probes and replies so far. Seeded random runs: several paths, probes sent in rounds with
 * retries, replies late, duplicated, stale (before their probe), for unknown probes or from the
 * wrong destination; the two must agree after every single event.
 */
import { describe, expect, it } from "vitest";
import { completionTracker, destinationTtls, matchReplies, silentHops, type ReceivedReply, type SentProbe } from "../../../src/analyses/trace/hops.js";
import type { ReplyKind } from "../../../src/analyses/trace/types.js";

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The batch rule of raw.ts before the tracker. */
function batchComplete(probes: SentProbe[], replies: ReceivedReply[], paths: number): boolean {
  const matched = matchReplies(probes, replies);
  return destinationTtls(probes, matched).size === paths && silentHops(probes, matched).length === 0;
}

describe("completionTracker", () => {
  it("counts a silent hop as answered only by a reply that fits its probe", () => {
    // One path, destination at TTL 2: TTL 1 answered by a reply that does not fit, TTL 2 by the SYN-ACK.
    const unfit: [string, (p: SentProbe) => ReceivedReply][] = [
      ["from another destination", (p) => ({ index: p.index, from: "198.18.0.1", kind: "11", probeDst: "198.18.9.9", at: 10 })],
      ["stamped before the probe", (p) => ({ index: p.index, from: "198.18.0.1", kind: "11", probeDst: p.target, at: p.sentAt - 1 })],
      ["for a probe never sent", (p) => ({ index: p.index + 100, from: "198.18.0.1", kind: "11", probeDst: p.target, at: 10 })],
    ];
    for (const [what, make] of unfit) {
      const tracker = completionTracker(1);
      const p1: SentProbe = { index: 0, target: "198.18.1.1", port: 80, ttl: 1, sentAt: 1 };
      const p2: SentProbe = { index: 1, target: "198.18.1.1", port: 80, ttl: 2, sentAt: 2 };
      tracker.sent(p1);
      tracker.sent(p2);
      tracker.received(make(p1));
      tracker.received({ index: 1, from: "198.18.1.1", kind: "SA", probeDst: "198.18.1.1", at: 11 });
      expect(tracker.complete(), what).toBe(false);
      // The fitting answer completes it; a second answer to the same probe changes nothing.
      tracker.received({ index: 0, from: "198.18.0.1", kind: "11", probeDst: "198.18.1.1", at: 12 });
      expect(tracker.complete(), what).toBe(true);
      tracker.received({ index: 0, from: "198.18.0.1", kind: "SA", probeDst: "198.18.1.1", at: 13 });
      expect(tracker.complete(), what).toBe(true);
    }
    // A probe's first fitting reply is its reply: a later SYN-ACK to a probe a router answered
    // does not make that TTL the destination.
    const tracker = completionTracker(1);
    tracker.sent({ index: 0, target: "198.18.1.1", port: 80, ttl: 1, sentAt: 1 });
    tracker.received({ index: 0, from: "198.18.0.1", kind: "11", probeDst: "198.18.1.1", at: 2 });
    tracker.received({ index: 0, from: "198.18.1.1", kind: "SA", probeDst: "198.18.1.1", at: 3 });
    expect(tracker.complete()).toBe(false);
  });

  it("agrees with destinationTtls + silentHops after every probe and reply of 300 random runs", () => {
    let completions = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const rnd = random(seed);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
      const targets = ["198.18.1.1", "198.18.1.2", "198.18.1.3"].slice(0, 1 + Math.floor(rnd() * 3));
      const ports = rnd() < 0.5 ? [80] : [80, 443];
      const paths = targets.length * ports.length;
      // Each path's destination is reached at some TTL; below it routers answer "11", often not.
      const destTtl = new Map<string, number>(targets.flatMap((t) => ports.map((p) => [`${t}|${p}`, 2 + Math.floor(rnd() * 5)] as const)));
      const probes: SentProbe[] = [];
      const replies: ReceivedReply[] = [];
      const tracker = completionTracker(paths);
      let now = 0;
      const check = (what: string) => expect(tracker.complete(), `seed ${seed}, after ${what}`).toBe(batchComplete(probes, replies, paths));
      const reply = (r: ReceivedReply) => {
        replies.push(r);
        tracker.received(r);
        check(`reply to ${r.index}`);
      };
      for (let round = 0; round < 3; round++) {
        for (let ttl = 1; ttl <= 7; ttl++) {
          for (const target of targets) {
            for (const port of ports) {
              if (round > 0 && rnd() < 0.5) continue; // retries probe only some hops again
              const p: SentProbe = { index: probes.length, target, port, ttl, sentAt: now++ };
              probes.push(p);
              tracker.sent(p);
              check(`probe ${p.index}`);
              const dest = destTtl.get(`${target}|${port}`)!;
              const roll = rnd();
              const kind: ReplyKind = ttl >= dest ? pick(["SA", "RA"] as const) : "11";
              // Retries are answered more often, so many runs do complete.
              if (roll < (round === 0 ? 0.55 : 0.8)) reply({ index: p.index, from: "198.18.0.9", kind, probeDst: target, at: now++ });
              else if (roll < (round === 0 ? 0.62 : 0.9)) reply({ index: p.index, from: "198.18.0.9", kind, probeDst: "198.18.9.9", at: now++ }); // wrong destination
              else if (roll < 0.68) reply({ index: p.index, from: "198.18.0.9", kind, probeDst: target, at: p.sentAt - 1 }); // stamped before the probe
              else if (roll < 0.72) reply({ index: 10_000 + p.index, from: "198.18.0.9", kind, probeDst: target, at: now++ }); // no such probe
              // Late answers and duplicates of earlier probes.
              if (rnd() < 0.15 && probes.length > 1) {
                const q = pick(probes);
                const qDest = destTtl.get(`${q.target}|${q.port}`)!;
                reply({ index: q.index, from: "198.18.0.9", kind: q.ttl >= qDest ? "SA" : "11", probeDst: q.target, at: now++ });
              }
            }
          }
        }
      }
      if (tracker.complete()) completions++;
    }
    // Both outcomes occur, so the comparison says something either way.
    expect(completions).toBeGreaterThan(30);
    expect(completions).toBeLessThan(270);
  });
});
