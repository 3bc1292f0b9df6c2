/**
 * Traffic over time and by service port.
 *
 * Timeline: packets and bytes per second are kept while streaming, then merged into at most
 * `bins` equal bins. Past MAX_SLOTS distinct slots (a capture spanning more than a day, or one
 * whose timestamps are scattered) the slots are merged pairwise and widened, so memory stays
 * bounded whatever the file's timestamps say. Packets dated outside JavaScript's date range
 * (a damaged file, an absurd pcapng if_tsoffset) are counted apart and left out.
 * Ports: each TCP/UDP packet counts once under its lower port, taken as the service port
 * (80 for a client's 51234→80), which names services without tracking connection state.
 */
import { makeDataset } from "../../../dataset/create.js";
import type { Dataset } from "../../../dataset/types.js";
import { isoUs, type CollectorWith } from "../collector.js";

/** One time bin. */
export interface TimelineRow {
  start: string;
  /** Bin width, ms. */
  width: number;
  packets: number;
  bytes: number;
}

/** One service port. */
export interface PortRow {
  protocol: string;
  port: number;
  service: string | null;
  packets: number;
  bytes: number;
}

export type TimelineDataset = Dataset<"pcapTimeline", TimelineRow>;
export type PortsDataset = Dataset<"pcapPorts", PortRow>;

const SERVICES: Record<number, string> = {
  20: "ftp-data", 21: "ftp", 22: "ssh", 23: "telnet", 25: "smtp", 53: "dns", 67: "dhcp", 68: "dhcp", 69: "tftp", 80: "http", 110: "pop3",
  123: "ntp", 137: "netbios-ns", 138: "netbios-dgm", 139: "netbios-ssn", 143: "imap", 161: "snmp", 162: "snmptrap", 179: "bgp", 389: "ldap",
  443: "https", 445: "smb", 500: "isakmp", 514: "syslog", 520: "rip", 546: "dhcpv6", 547: "dhcpv6", 587: "submission", 993: "imaps",
  995: "pop3s", 1194: "openvpn", 1812: "radius", 1900: "ssdp", 3306: "mysql", 3389: "rdp", 4500: "ipsec-nat", 5060: "sip", 5353: "mdns",
  5432: "postgres", 6379: "redis", 6667: "irc", 8080: "http-alt", 8443: "https-alt",
};

/** Well-known service name of a port, or null. */
export function serviceName(port: number): string | null {
  return SERVICES[port] ?? null;
}

/** Most time slots kept while streaming. */
const MAX_SLOTS = 100_000;
/** Seconds either side of 1970 that a Date can show. */
const DATE_RANGE_S = 8.64e12;

/** Collects the timeline (at most `bins` bins, default 120) and the `limit` busiest ports (default 50). */
export function traffic(bins = 120, limit = 50): CollectorWith<"packet"> {
  // Packets and bytes per slot of `res` seconds, keyed by slot number (second / res).
  let slots = new Map<number, { p: number; b: number }>();
  let res = 1;
  const outside = { p: 0, b: 0 };
  const ports = new Map<number, { p: number; b: number }>();
  let lastSec = NaN;
  let lastBin: { p: number; b: number } | undefined;
  // The last port's entry: a busy service's packets mostly follow one another.
  let lastPortKey = -1;
  let lastPort: { p: number; b: number } | undefined;
  /** Halves the slot count: slot k joins slot k >> 1 at twice the width. */
  const widen = () => {
    const merged = new Map<number, { p: number; b: number }>();
    for (const [k, v] of slots) {
      const m = merged.get(Math.floor(k / 2));
      if (m) {
        m.p += v.p;
        m.b += v.b;
      } else merged.set(Math.floor(k / 2), v);
    }
    slots = merged;
    res *= 2;
  };
  return {
    packet(pkt, d) {
      const sec = Math.floor(pkt.tsUs / 1e6);
      if (sec !== lastSec) {
        lastSec = sec;
        if (!(Math.abs(sec) <= DATE_RANGE_S)) lastBin = outside;
        else {
          lastBin = slots.get(Math.floor(sec / res));
          if (!lastBin) {
            while (slots.size >= MAX_SLOTS) widen();
            const key = Math.floor(sec / res);
            lastBin = slots.get(key);
            if (!lastBin) slots.set(key, (lastBin = { p: 0, b: 0 }));
          }
        }
      }
      lastBin!.p++;
      lastBin!.b += pkt.origLen;
      if (d.sport >= 0 && !(d.fragment && d.fragOffset > 0)) {
        const key = d.proto * 65536 + Math.min(d.sport, d.dport);
        let e = lastPort;
        if (key !== lastPortKey) {
          e = ports.get(key);
          if (!e) ports.set(key, (e = { p: 0, b: 0 }));
          lastPortKey = key;
          lastPort = e;
        }
        e!.p++;
        e!.b += pkt.origLen;
      }
    },
    finish(ctx) {
      const keys = [...slots.keys()].sort((a, b) => a - b);
      const rows: TimelineRow[] = [];
      if (keys.length) {
        // In slots of `res` seconds: bins of a whole number of slots, counted by index (a float
        // loop on the time itself would not end where t + width rounds back to t).
        const first = keys[0]!;
        const span = keys.at(-1)! - first + 1;
        const width = Math.max(1, Math.ceil(span / bins));
        const count = Math.ceil(span / width);
        for (let i = 0; i < count; i++) rows.push({ start: isoUs((first + i * width) * res * 1e6), width: width * res * 1000, packets: 0, bytes: 0 });
        for (const k of keys) {
          const row = rows[Math.floor((k - first) / width)]!;
          const v = slots.get(k)!;
          row.packets += v.p;
          row.bytes += v.b;
        }
      }
      const timelineWarnings = [...ctx.warnings];
      if (outside.p) timelineWarnings.push(`${outside.p} packets are dated outside the range of dates (a damaged capture or a wrong interface time offset) and are left out of the timeline`);
      const timeline: TimelineDataset = makeDataset({
        kind: "pcapTimeline",
        schemaVersion: 1,
        title: "Traffic over time",
        columns: [
          { key: "start", label: "Bin start", type: "timestamp" },
          { key: "width", label: "Bin width", type: "duration" },
          { key: "packets", label: "Packets", type: "integer" },
          { key: "bytes", label: "Bytes", type: "bytes" },
        ],
        rows,
        provenance: ctx.provenance,
        warnings: timelineWarnings,
      });
      const portRows: PortRow[] = [...ports.entries()]
        .sort((a, b) => b[1].p - a[1].p)
        .slice(0, limit)
        .map(([k, v]) => {
          const port = k % 65536;
          return { protocol: Math.floor(k / 65536) === 6 ? "TCP" : "UDP", port, service: serviceName(port), packets: v.p, bytes: v.b };
        });
      const portsDs: PortsDataset = makeDataset({
        kind: "pcapPorts",
        schemaVersion: 1,
        title: "Top service ports",
        columns: [
          { key: "protocol", label: "Protocol", type: "text" },
          { key: "port", label: "Port", type: "port", description: "the lower of the two ports of each packet" },
          { key: "service", label: "Service", type: "text" },
          { key: "packets", label: "Packets", type: "integer" },
          { key: "bytes", label: "Bytes", type: "bytes" },
        ],
        rows: portRows,
        provenance: ctx.provenance,
        warnings: ports.size > limit ? [...ctx.warnings, `${ports.size - limit} quieter ports are not listed`] : [...ctx.warnings],
      });
      return { datasets: [timeline, portsDs] };
    },
  };
}
