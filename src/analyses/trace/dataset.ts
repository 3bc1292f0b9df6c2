/**
 * Hops → the `traceHops` dataset: every hop enriched with AS number, organisation and place
 * through an injected lookup (an Enricher), scope labels for special-purpose ranges.
 */
import { z } from "zod";
import { makeDataset, provenance } from "../../dataset/create.js";
import { registerDatasetKind } from "../../dataset/json.js";
import type { Column } from "../../dataset/types.js";
import { classifyScope, scopeLabel } from "../../enrich/scope.js";
import type { Hop } from "./hops.js";
import type { TraceHopRow, TraceHopsDataset } from "./types.js";

/** The part of an Enricher a trace uses (`openEnricher(...)` fits). */
export interface HopLocator {
  lookup(ip: string): { asn: number | null; asOrg: string | null; country: { code: string } | null; city: string | null; scopeLabel: string };
}

/** Schema version of {@link TraceHopRow}. */
export const TRACE_HOPS_SCHEMA = 1;

const text = z.string().nullable();
/** A saved hop as the report and the graph read it (`--from`): {@link TraceHopRow}. */
const HOP_ROW = z.object({
  target: z.string(),
  protocol: z.string(),
  port: z.number().nullable(),
  ttl: z.number(),
  address: text,
  kind: z.string(),
  isTarget: z.boolean(),
  rttMs: z.number().nullable(),
  rtts: z.string(),
  probes: z.number(),
  asn: z.number().nullable(),
  asOrg: text,
  country: text,
  city: text,
  scope: text,
});
/** The parameters of a saved trace its readers use (traceResultFromDataset, the report's text). */
const HOP_PROVENANCE = z.looseObject({
  parameters: z
    .looseObject({
      protocol: z.string().optional(),
      ports: z.array(z.number()).nullable().optional(),
      maxTtl: z.number().optional(),
      source: z.string().nullable().optional(),
      method: z.string().optional(),
    })
    .nullable(),
});
registerDatasetKind("traceHops", TRACE_HOPS_SCHEMA, { row: HOP_ROW, provenance: HOP_PROVENANCE });

/** Columns of the hop dataset. */
export const TRACE_HOP_COLUMNS: Column<TraceHopRow>[] = [
  { key: "target", label: "Target", type: "ip" },
  { key: "protocol", label: "Protocol", type: "text" },
  { key: "port", label: "Port", type: "port" },
  { key: "ttl", label: "Hop", type: "integer", description: "TTL of the probes" },
  { key: "address", label: "Address", type: "ip" },
  { key: "kind", label: "Reply", type: "text", description: "11 time exceeded, SA SYN-ACK (open), RA RST (closed), 3/n ICMP unreachable code n, 0 echo reply, dst reached, unk no answer" },
  { key: "isTarget", label: "Is target", type: "boolean" },
  { key: "rttMs", label: "RTT", type: "duration", description: "smallest round-trip time of the hop's probes" },
  { key: "rtts", label: "RTT per probe (ms)", type: "text" },
  { key: "probes", label: "Probes", type: "integer" },
  { key: "asn", label: "AS", type: "id" },
  { key: "asOrg", label: "AS organisation", type: "text" },
  { key: "country", label: "Country", type: "text" },
  { key: "city", label: "City", type: "text" },
  { key: "scope", label: "Scope", type: "text" },
];

/** Enriches one hop into a row (no address → all place fields null). */
export function hopRow(h: Hop, locate: HopLocator | null): TraceHopRow {
  const base: TraceHopRow = {
    target: h.target,
    protocol: h.protocol,
    port: h.port,
    ttl: h.ttl,
    address: h.address,
    kind: h.kind,
    isTarget: h.isTarget,
    rttMs: h.rttMs,
    rtts: h.rtts.map((r) => (r === null ? "*" : String(r))).join(" "),
    probes: h.rtts.length,
    asn: null,
    asOrg: null,
    country: null,
    city: null,
    scope: null,
  };
  if (h.address === null) return base;
  const s = classifyScope(h.address);
  base.scope = s ? scopeLabel(s) : null;
  if (!locate) return base;
  try {
    const info = locate.lookup(h.address);
    return { ...base, asn: info.asn, asOrg: info.asOrg, country: info.country?.code ?? null, city: info.city, scope: info.scopeLabel };
  } catch {
    return base;
  }
}

/** Builds the hop dataset. */
export function hopsDataset(hops: readonly Hop[], locate: HopLocator | null, parameters: unknown, startedAt: Date, warnings: string[]): TraceHopsDataset {
  return makeDataset({
    kind: "traceHops",
    schemaVersion: TRACE_HOPS_SCHEMA,
    title: "Route hops",
    columns: TRACE_HOP_COLUMNS,
    rows: hops.map((h) => hopRow(h, locate)),
    provenance: provenance("trace", parameters, startedAt),
    warnings,
  });
}
