/**
 * Live capture through libpcap (cap) on loopback: 30 UDP datagrams to a port only this test
 * uses, caught by a BPF filter, analysed by the same session as files.
 */
import { describe, expect, it } from "vitest";
import dgram from "node:dgram";
import { captureLive } from "../../../src/analyses/pcap/live.js";
import { createPcapSession } from "../../../src/analyses/pcap/session.js";
import { isNetreportError } from "../../../src/errors.js";

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn("live capture needs root or CAP_NET_RAW: skipped");

describe.skipIf(!isRoot)("captureLive", () => {
  it("captures a counted number of filtered packets from lo and reports kernel drops", async () => {
    const port = 40000 + (process.pid % 20000);
    const session = createPcapSession();
    const sock = dgram.createSocket("udp4");
    const sink = dgram.createSocket("udp4");
    await new Promise<void>((r) => sink.bind(port, "127.0.0.1", r));
    const done = captureLive(session, { iface: "lo", filter: `udp and dst port ${port}`, count: 30, durationMs: 20_000 });
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 30; i++) await new Promise((r) => sock.send(Buffer.from(`live ${i}`), port, "127.0.0.1", r));
    const s = await done;
    sock.close();
    sink.close();
    expect(s.packets).toBe(30);
    expect(s.kernelDrops).toBe(0);
    const r = session.finish();
    const conv = r.datasets.find((d) => d.kind === "pcapConversations")!;
    expect(conv.rows).toHaveLength(1);
    expect(conv.rows[0]).toMatchObject({ src: "127.0.0.1", dst: "127.0.0.1", protocol: "UDP", dstPort: port, packets: 30 });
    expect(r.warnings.join("\n")).toMatch(/live capture of 30 packets .* rx_dropped rose by 0/);
    expect(r.datasets.find((d) => d.kind === "pcapCaptures")!.rows[0].source).toBe("live:lo");
  });

  it("an exception from onPacket or session.feed stops the capture and ends the source with it, keeping what was captured", async () => {
    const port = 40000 + ((process.pid + 7) % 20000);
    const sock = dgram.createSocket("udp4");
    const sink = dgram.createSocket("udp4");
    await new Promise<void>((r) => sink.bind(port, "127.0.0.1", r));
    const send = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise((r) => sock.send(Buffer.from(`boom ${i}`), port, "127.0.0.1", r));
    };
    const filter = `udp and dst port ${port}`;
    try {
      // 1. onPacket throws on the third packet.
      let calls = 0;
      const boom = new Error("onPacket failed");
      const first = createPcapSession();
      const fromCallback = captureLive(first, {
        iface: "lo", filter, count: 1000, durationMs: 5_000,
        onPacket: (n) => {
          calls++;
          if (n === 3) throw boom;
        },
      });
      await new Promise((r) => setTimeout(r, 300));
      await send(5);
      const summary = await fromCallback;
      expect(summary.error?.code).toBe("ECAPTURE");
      expect(summary.error?.cause).toBe(boom);
      expect(summary.packets).toBe(3);
      expect(calls).toBe(3);
      // The source is ended with the error: the three packets are kept, and the result says why it is partial.
      const partial = first.finish();
      expect(partial.totals.packets).toBe(3);
      expect(partial.errors).toEqual([summary.error]);
      expect(summary.error?.toLine()).toMatch(/^ECAPTURE: capture stopped by an error in packet 3: onPacket failed \(lo\) — the packets before it are analysed/);
      expect(partial.warnings.join("\n")).toMatch(/live:lo: analysis is partial, reading stopped after 3 packets/);
      // Stopped: later packets reach no handler.
      await send(5);
      await new Promise((r) => setTimeout(r, 300));
      expect(calls).toBe(3);

      // 2. The session's feed throws on the first packet.
      const real = createPcapSession();
      const failing = new Error("feed failed");
      let fed = 0;
      const session = {
        ...real,
        feed: () => {
          fed++;
          throw failing;
        },
      };
      const fromFeed = captureLive(session, { iface: "lo", filter, count: 1000, durationMs: 5_000 });
      await new Promise((r) => setTimeout(r, 300));
      await send(3);
      expect((await fromFeed).error?.cause).toBe(failing);
      expect(fed).toBe(1);
      expect(real.finish().errors.map((e) => e.code)).toEqual(["ECAPTURE"]);
    } finally {
      sock.close();
      sink.close();
    }
  });

  it("a bad interface or filter is ECAPTURE", async () => {
    const e1 = await captureLive(createPcapSession(), { iface: "nrp-nonexistent0", count: 1 }).catch((e: unknown) => e);
    expect(isNetreportError(e1, "ECAPTURE")).toBe(true);
    const e2 = await captureLive(createPcapSession(), { iface: "lo", filter: "udp and and", count: 1 }).catch((e: unknown) => e);
    expect(isNetreportError(e2, "ECAPTURE")).toBe(true);
  });
});
