/**
 * Endpoints: one row per address with traffic sent and received, located through an optional
 * GeoIP/ASN lookup (the shared enricher, passed in so this module opens no databases itself).
 */
import { makeDataset } from "../../../dataset/create.js";
import type { Dataset } from "../../../dataset/types.js";
import { capNote, isoUs, MAX_TRACKED, type CollectContext, type CollectorWith } from "../collector.js";
import type { Decoded } from "../decode/frame.js";
import type { RawPacket } from "../read/packet.js";

/** What endpoints need of an IP lookup (the shape of `src/enrich`'s `IpInfo`, all fields optional). */
export interface EndpointInfo {
  scope?: string;
  scopeLabel?: string;
  country?: { code: string; name: string } | null;
  city?: string | null;
  lat?: number | null;
  lon?: number | null;
  asn?: number | null;
  asOrg?: string | null;
}

/** Looks addresses up; `src/enrich`'s `Enricher` fits. */
export interface EndpointLocator {
  lookup(ip: string): EndpointInfo | null | undefined;
}

/** One endpoint. */
export interface EndpointRow {
  ip: string;
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  firstSeen: string;
  lastSeen: string;
  scope: string | null;
  country: string | null;
  countryCode: string | null;
  city: string | null;
  lat: number | null;
  lon: number | null;
  asn: number | null;
  asOrg: string | null;
}

/** The endpoints dataset. */
export type EndpointsDataset = Dataset<"pcapEndpoints", EndpointRow>;

interface Ep {
  ps: number;
  pr: number;
  bs: number;
  br: number;
  first: number;
  last: number;
}

/** Slots of the address cache (a power of two) and the shift that maps a 32-bit hash onto them. */
const CACHE_SLOTS = 1024;
const CACHE_SHIFT = 32 - 10;

/** Collects endpoints; lists the `limit` busiest by bytes (default 1000). */
export function endpoints(locator: EndpointLocator | null, limit = 1000): CollectorWith<"packet"> {
  const eps = new Map<number, Ep>();
  // Direct-mapped cache in front of the map (addresses above 2^31 are not Smis, so every Map
  // lookup with one hashes a heap number).
  const cId = new Float64Array(CACHE_SLOTS).fill(-1);
  const cEp: (Ep | undefined)[] = new Array(CACHE_SLOTS);
  // Addresses past MAX_TRACKED all count here, and it is never listed.
  const untracked: Ep = { ps: 0, pr: 0, bs: 0, br: 0, first: 0, last: 0 };
  const capped = capNote("endpoints");
  // The source's or the destination's entry. It takes the packet, not the address and time:
  // those are doubles (addresses above 2^31), which V8 would box on the heap for every call.
  const touch = (pkt: RawPacket, d: Decoded, source: boolean, ctx: CollectContext) => {
    const id = source ? d.src : d.dst;
    const ts = pkt.tsUs;
    const slot = Math.imul((id | 0) ^ (id / 4294967296), 0x9e3779b1) >>> CACHE_SHIFT;
    let e: Ep | undefined;
    if (cId[slot] === id) e = cEp[slot]!;
    else {
      e = eps.get(id);
      if (!e && eps.size >= MAX_TRACKED) {
        capped(ctx);
        return untracked;
      }
      if (!e) eps.set(id, (e = { ps: 0, pr: 0, bs: 0, br: 0, first: ts, last: ts }));
      cId[slot] = id;
      cEp[slot] = e;
    }
    if (ts > e.last) e.last = ts;
    if (ts < e.first) e.first = ts;
    return e;
  };
  return {
    packet(pkt, d, ctx) {
      if (d.ipVersion === 0) return;
      const s = touch(pkt, d, true, ctx);
      s.ps++;
      s.bs += pkt.origLen;
      const r = touch(pkt, d, false, ctx);
      r.pr++;
      r.br += pkt.origLen;
    },
    finish(ctx) {
      const all = [...eps.entries()].sort((x, y) => y[1].bs + y[1].br - (x[1].bs + x[1].br));
      const warnings = [...ctx.warnings];
      if (all.length > limit) warnings.push(`${all.length - limit} quieter endpoints are not listed (${all.length} in all)`);
      let lookupFailed = 0;
      const rows: EndpointRow[] = all.slice(0, limit).map(([id, e]) => {
        const ip = ctx.addrs.text(id);
        let info: EndpointInfo | null | undefined = null;
        try {
          info = locator?.lookup(ip);
        } catch {
          lookupFailed++;
        }
        return {
          ip,
          packetsSent: e.ps,
          packetsReceived: e.pr,
          bytesSent: e.bs,
          bytesReceived: e.br,
          firstSeen: isoUs(e.first),
          lastSeen: isoUs(e.last),
          scope: info?.scopeLabel ?? info?.scope ?? null,
          country: info?.country?.name ?? null,
          countryCode: info?.country?.code ?? null,
          city: info?.city ?? null,
          lat: info?.lat ?? null,
          lon: info?.lon ?? null,
          asn: info?.asn ?? null,
          asOrg: info?.asOrg ?? null,
        };
      });
      if (lookupFailed) warnings.push(`GeoIP lookup failed for ${lookupFailed} addresses`);
      if (!locator) warnings.push("no GeoIP/ASN database given: endpoints are not located");
      const ds: EndpointsDataset = makeDataset({
        kind: "pcapEndpoints",
        schemaVersion: 1,
        title: "Endpoints",
        columns: [
          { key: "ip", label: "Address", type: "ip" },
          { key: "packetsSent", label: "Pkts sent", type: "integer" },
          { key: "packetsReceived", label: "Pkts received", type: "integer" },
          { key: "bytesSent", label: "Sent", type: "bytes" },
          { key: "bytesReceived", label: "Received", type: "bytes" },
          { key: "scope", label: "Scope", type: "text" },
          { key: "country", label: "Country", type: "text" },
          { key: "city", label: "City", type: "text" },
          { key: "asn", label: "ASN", type: "id" },
          { key: "asOrg", label: "AS organisation", type: "text" },
          { key: "lat", label: "Latitude", type: "number", unit: "°" },
          { key: "lon", label: "Longitude", type: "number", unit: "°" },
          { key: "firstSeen", label: "First seen", type: "timestamp" },
          { key: "lastSeen", label: "Last seen", type: "timestamp" },
        ],
        rows,
        provenance: ctx.provenance,
        warnings,
      });
      return { datasets: [ds] };
    },
  };
}
