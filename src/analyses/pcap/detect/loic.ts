/**
 * LOIC download: an HTTP GET whose URI names a LOIC archive (`loic` and `.zip`, any case) — the
 * first step of a volunteer joining a Low Orbit Ion Cannon attack.
 */
import type { Finding } from "../../../dataset/finding.js";
import { isoUs, type CollectorWith, type PacketRef } from "../collector.js";

/** True when an HTTP request URI looks like a LOIC download. */
export function isLoicUri(uri: string): boolean {
  return /loic/i.test(uri) && /\.zip/i.test(uri);
}

/** Detects LOIC downloads, one finding per downloading client. */
export function loicDownload(): CollectorWith<"http"> {
  const byClient = new Map<string, { server: string; host: string | null; uri: string; ref: PacketRef }[]>();
  // Verdicts per target: the parser interns repeated targets, so a busy site's few paths are
  // judged once each instead of by two case-insensitive searches per request.
  const verdicts = new Map<string, boolean>();
  return {
    http(req, pkt, d, ctx) {
      if (req.method !== "GET") return;
      let loic = verdicts.get(req.uri);
      if (loic === undefined) {
        loic = isLoicUri(req.uri);
        if (verdicts.size < 10_000) verdicts.set(req.uri, loic);
      }
      if (!loic) return;
      const client = ctx.addrs.text(d.src);
      let list = byClient.get(client);
      if (!list) byClient.set(client, (list = []));
      if (list.length < 20) list.push({ server: ctx.addrs.text(d.dst), host: req.host, uri: req.uri, ref: { file: ctx.file, packet: pkt.index, tsUs: pkt.tsUs } });
    },
    finish() {
      const findings: Finding[] = [];
      for (const [client, list] of byClient) {
        findings.push({
          rule: "pcap.loic-download",
          severity: "high",
          title: `${client} downloaded LOIC`,
          summary: `${client} fetched ${list.length === 1 ? "a file" : `${list.length} files`} named like the Low Orbit Ion Cannon DDoS tool over HTTP. Hosts that download LOIC usually join a flood soon after.`,
          evidence: list.map((x) => ({
            description: `GET ${x.uri} from ${x.host ?? x.server}`,
            packets: [x.ref.packet],
            timestamps: [isoUs(x.ref.tsUs)],
            addresses: [client, x.server],
            data: { file: x.ref.file, uri: x.uri, host: x.host },
          })),
          recommendation: "Check the host for LOIC and for flood traffic; block the download source.",
        });
      }
      return { findings };
    },
  };
}
