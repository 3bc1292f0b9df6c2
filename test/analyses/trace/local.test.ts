/**
 * Loopback targets: one hop measured with connect() against listeners this test opens on
 * 127.0.0.1 (raw frames injected on lo are dropped as martians, see local.ts). No privilege needed.
 */
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { traceRoute } from "../../../src/analyses/trace/index.js";
import { isNetreportError } from "../../../src/errors.js";

describe("traceRoute to 127.0.0.1", () => {
  let server: Server;
  let open: number;
  let closed: number;
  beforeAll(async () => {
    server = createServer((c) => c.destroy());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    open = (server.address() as { port: number }).port;
    // A port that was just free: listen, note it, close.
    const s2 = createServer();
    await new Promise<void>((r) => s2.listen(0, "127.0.0.1", r));
    closed = (s2.address() as { port: number }).port;
    await new Promise((r) => s2.close(r));
  });
  afterAll(() => new Promise((r) => server.close(r)));

  it("reports the open port SA and the closed one RA at hop 1, with RTTs", async () => {
    const r = await traceRoute({ targets: ["127.0.0.1", "127.0.0.1"], ports: [open, closed, open], queries: 2 });
    expect(r.hops.rows.map((h) => [h.port, h.ttl, h.address, h.kind, h.isTarget, h.probes])).toEqual([
      [open, 1, "127.0.0.1", "SA", true, 2],
      [closed, 1, "127.0.0.1", "RA", true, 2],
    ]);
    expect(r.hops.rows[0]!.rttMs).toBeGreaterThan(0);
    expect(r.hops.rows[0]!.scope).toBe("loopback (RFC 1122)");
    expect(r.source).toBe("127.0.0.1");
    expect(r.hops.warnings).toEqual([]);
    expect(r.hops.provenance.parameters).toMatchObject({ targets: ["127.0.0.1"], ports: [open, closed], source: "127.0.0.1" });
  });

  it("refuses names, bad ports and bad TTL ranges before probing", async () => {
    await expect(traceRoute({ targets: ["example.com"] })).rejects.toSatisfy((e) => isNetreportError(e, "ESCAN_SPEC"));
    await expect(traceRoute({ targets: ["127.0.0.1"], ports: [0] })).rejects.toSatisfy((e) => isNetreportError(e, "EPORT_SPEC"));
    await expect(traceRoute({ targets: ["127.0.0.1"], maxTtl: 300 })).rejects.toSatisfy((e) => isNetreportError(e, "EUSAGE"));
    await expect(traceRoute({ targets: ["127.0.0.1"], protocol: "udp" })).rejects.toSatisfy((e) => isNetreportError(e, "ETRACE"));
  });
});
