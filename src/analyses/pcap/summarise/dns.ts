/**
 * DNS summary: one row per (name, type) asked or answered, with queries, responses, NXDOMAINs,
 * distinct answers, the TTL range and the clients that asked.
 */
import { makeDataset } from "../../../dataset/create.js";
import type { Dataset } from "../../../dataset/types.js";
import { dnsTypeName } from "../decode/dns.js";
import { capNote, MAX_TRACKED, type CollectorWith } from "../collector.js";

/** One (name, type). */
export interface DnsRow {
  name: string;
  type: string;
  queries: number;
  responses: number;
  nxdomain: number;
  /** Distinct answer values (addresses, targets). */
  answers: number;
  /** Example answers, comma separated (at most 5). */
  sample: string;
  /** Seconds; null without answers. */
  minTtl: number | null;
  maxTtl: number | null;
  /** Largest answer rdata seen, bytes (oversized records such as SIGRed's 65,470-byte SIG stand out). */
  largestAnswer: number | null;
  clients: number;
  /** First packet of this name: `file#packet`. */
  firstPacket: string;
}

export type DnsDataset = Dataset<"pcapDns", DnsRow>;

interface Entry {
  name: string;
  type: number;
  q: number;
  r: number;
  nx: number;
  answers: Set<string>;
  minTtl: number;
  maxTtl: number;
  big: number;
  clients: Set<number>;
  first: string;
}

const MAX_NAMES = 100_000;
const MAX_ANSWERS = 256;

/** Collects the DNS summary; lists the `limit` most asked names (default 500). */
export function dnsSummary(limit = 500): CollectorWith<"dns"> {
  const entries = new Map<string, Entry>();
  let dropped = 0;
  let messages = 0;
  let clientEntries = 0;
  const cappedClients = capNote("DNS clients (across all names)");
  return {
    dns(msg, pkt, d, ctx) {
      messages++;
      const q = msg.questions[0];
      if (!q) return;
      const name = q.name.toLowerCase();
      const key = `${name}\u0000${q.type}`;
      let e = entries.get(key);
      if (!e) {
        if (entries.size >= MAX_NAMES) {
          dropped++;
          return;
        }
        e = { name, type: q.type, q: 0, r: 0, nx: 0, answers: new Set(), minTtl: Infinity, maxTtl: -Infinity, big: -1, clients: new Set(), first: `${ctx.file}#${pkt.index}` };
        entries.set(key, e);
      }
      const client = msg.response ? d.dst : d.src;
      // Client sets of all names together hold at most 10 × MAX_TRACKED addresses.
      if (clientEntries < 10 * MAX_TRACKED) {
        const had = e.clients.size;
        e.clients.add(client);
        clientEntries += e.clients.size - had;
      } else if (!e.clients.has(client)) cappedClients(ctx);
      if (!msg.response) {
        e.q++;
        return;
      }
      e.r++;
      if (msg.rcode === 3) e.nx++;
      for (const a of msg.answers) {
        if (a.data !== null && e.answers.size < MAX_ANSWERS) e.answers.add(a.data);
        if (a.ttl < e.minTtl) e.minTtl = a.ttl;
        if (a.ttl > e.maxTtl) e.maxTtl = a.ttl;
        if (a.length > e.big) e.big = a.length;
      }
    },
    finish(ctx) {
      const all = [...entries.values()].sort((a, b) => b.q + b.r - (a.q + a.r) || a.name.localeCompare(b.name));
      const warnings = [...ctx.warnings];
      if (dropped) warnings.push(`${dropped} DNS messages about further names were counted nowhere (more than ${MAX_NAMES} names)`);
      if (all.length > limit) warnings.push(`${all.length - limit} less-asked names are not listed`);
      const rows: DnsRow[] = all.slice(0, limit).map((e) => ({
        name: e.name,
        type: dnsTypeName(e.type),
        queries: e.q,
        responses: e.r,
        nxdomain: e.nx,
        answers: e.answers.size,
        sample: [...e.answers].slice(0, 5).join(", "),
        minTtl: Number.isFinite(e.minTtl) ? e.minTtl : null,
        maxTtl: Number.isFinite(e.maxTtl) ? e.maxTtl : null,
        largestAnswer: e.big >= 0 ? e.big : null,
        clients: e.clients.size,
        firstPacket: e.first,
      }));
      const ds: DnsDataset = makeDataset({
        kind: "pcapDns",
        schemaVersion: 1,
        title: `DNS (${messages} messages)`,
        columns: [
          { key: "name", label: "Name", type: "text" },
          { key: "type", label: "Type", type: "text" },
          { key: "queries", label: "Queries", type: "integer" },
          { key: "responses", label: "Responses", type: "integer" },
          { key: "nxdomain", label: "NXDOMAIN", type: "integer" },
          { key: "answers", label: "Distinct answers", type: "integer" },
          { key: "sample", label: "Answers (sample)", type: "text" },
          { key: "minTtl", label: "Min TTL", type: "number", unit: "s" },
          { key: "maxTtl", label: "Max TTL", type: "number", unit: "s" },
          { key: "largestAnswer", label: "Largest answer", type: "bytes" },
          { key: "clients", label: "Clients", type: "integer" },
          { key: "firstPacket", label: "First packet", type: "text" },
        ],
        rows,
        provenance: ctx.provenance,
        warnings,
      });
      return { datasets: [ds] };
    },
  };
}
