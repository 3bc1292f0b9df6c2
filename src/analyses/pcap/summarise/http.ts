/**
 * HTTP requests seen in the capture (request line and Host), in capture order.
 */
import { makeDataset } from "../../../dataset/create.js";
import type { Dataset } from "../../../dataset/types.js";
import { isoUs, type CollectorWith } from "../collector.js";

/** One HTTP request. */
export interface HttpRow {
  time: string;
  file: string;
  packet: number;
  client: string;
  server: string;
  port: number;
  method: string;
  host: string | null;
  uri: string;
  userAgent: string | null;
}

export type HttpDataset = Dataset<"pcapHttp", HttpRow>;

/** Collects the first `limit` HTTP requests (default 2000). */
export function httpRequests(limit = 2000): CollectorWith<"http"> {
  const rows: HttpRow[] = [];
  let more = 0;
  return {
    http(req, pkt, d, ctx) {
      if (rows.length >= limit) {
        more++;
        return;
      }
      rows.push({
        time: isoUs(pkt.tsUs),
        file: ctx.file,
        packet: pkt.index,
        client: ctx.addrs.text(d.src),
        server: ctx.addrs.text(d.dst),
        port: d.dport,
        method: req.method,
        host: req.host,
        uri: req.uri,
        userAgent: req.userAgent(),
      });
    },
    finish(ctx) {
      const ds: HttpDataset = makeDataset({
        kind: "pcapHttp",
        schemaVersion: 1,
        title: "HTTP requests",
        columns: [
          { key: "time", label: "Time", type: "timestamp" },
          { key: "packet", label: "Packet", type: "id" },
          { key: "client", label: "Client", type: "ip" },
          { key: "server", label: "Server", type: "ip" },
          { key: "port", label: "Port", type: "port" },
          { key: "method", label: "Method", type: "text" },
          { key: "host", label: "Host", type: "text" },
          { key: "uri", label: "URI", type: "text" },
          { key: "userAgent", label: "User agent", type: "text" },
          { key: "file", label: "File", type: "text" },
        ],
        rows,
        provenance: ctx.provenance,
        warnings: more ? [...ctx.warnings, `${more} further HTTP requests are not listed`] : [...ctx.warnings],
      });
      return { datasets: [ds] };
    },
  };
}
