/** Checks the IPv4 and IPv6 reply-matching tests share. */
import { expect } from "vitest";
import type { buildHops, ReceivedReply, SentProbe } from "../../../../src/analyses/trace/hops.js";

/** One line per hop: `target:port ttl address kind`. */
export const hopTable = (hops: ReturnType<typeof buildHops>) => hops.map((h) => `${h.target}:${h.port ?? "-"} ${h.ttl} ${h.address ?? "*"} ${h.kind}`);

/**
 * The probes of a run are each there once and cover all `combinations` target/port/TTL triples
 * (retries make the count timing-dependent, so only "more than" is fixed), and every reply
 * matches a probe: it names that probe's target and comes from `firstHop` (TTL 1) or `router`
 * for time-exceeded, from the target itself otherwise.
 */
export function expectProbesAndReplies(c: { probes: SentProbe[]; replies: ReceivedReply[] }, combinations: number, firstHop: string, router: string): void {
  expect(c.probes.map((p) => p.index).sort((a, b) => a - b)).toEqual(c.probes.map((_, i) => i));
  expect(new Set(c.probes.map((p) => `${p.target} ${p.port} ${p.ttl}`)).size).toBe(combinations);
  expect(c.probes.length).toBeGreaterThan(combinations);
  expect(c.replies.length).toBeGreaterThan(20);
  const byIndex = new Map(c.probes.map((p) => [p.index, p]));
  for (const r of c.replies) {
    const p = byIndex.get(r.index)!;
    expect(p, `reply ${r.kind} from ${r.from}`).toBeDefined();
    expect(r.probeDst).toBe(p.target);
    if (r.kind === "11") expect(r.from).toBe(p.ttl === 1 ? firstHop : router);
    else expect(r.from).toBe(p.target);
  }
}
