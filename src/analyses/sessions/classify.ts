/**
 * Sockets → listening services and connections, with each connection's direction: inbound when
 * its local end is a port this machine listens on, outbound otherwise. Pure.
 */
import { classifyScope, IpScope } from "../../enrich/scope.js";
import type { ProcSocket } from "./procNet.js";
import { isListening } from "./procNet.js";
import type { SocketOwner } from "./processes.js";

/** Where a listener can be reached from. */
export const Exposure = {
  /** Bound to a loopback address: this machine only. */
  loopback: "loopback",
  /** Bound to the wildcard address: every interface. */
  all: "all interfaces",
  /** Bound to one address of this machine. */
  address: "one address",
} as const;
export type Exposure = (typeof Exposure)[keyof typeof Exposure];

/** One row of the `listeningServices` dataset. */
export interface ListeningRow {
  protocol: "tcp" | "udp";
  address: string;
  port: number;
  service: string | null;
  exposure: Exposure;
  process: string | null;
  pid: number | null;
  uid: number;
  /** Established connections whose local end is this listener's port. */
  connections: number;
}

/** One row of the `socketConnections` dataset. */
export interface ConnectionRow {
  protocol: "tcp" | "udp";
  direction: "inbound" | "outbound";
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: string;
  /** Name of the service port: the local one for inbound, the peer's for outbound. */
  service: string | null;
  process: string | null;
  pid: number | null;
  uid: number;
  txQueue: number;
  rxQueue: number;
}

/** What the classifier needs from the world. */
export interface ClassifyContext {
  owners: ReadonlyMap<number, SocketOwner>;
  serviceName(port: number): string | null;
}

/** True for 127/8, ::1 and IPv4-mapped loopback addresses. */
export function isLoopbackAddress(address: string): boolean {
  return classifyScope(address)?.scope === IpScope.loopback;
}

/** Where a bound address can be reached from. */
export function exposureOf(address: string): Exposure {
  if (classifyScope(address)?.scope === IpScope.unspecified) return Exposure.all;
  return isLoopbackAddress(address) ? Exposure.loopback : Exposure.address;
}

/** Splits sockets into listeners and connections, sorted for reading. */
export function classifySockets(sockets: readonly ProcSocket[], ctx: ClassifyContext): { listening: ListeningRow[]; connections: ConnectionRow[] } {
  const listeners = sockets.filter(isListening);
  const listeningPorts = new Set(listeners.map((s) => `${s.protocol}/${s.localPort}`));
  const owner = (s: ProcSocket) => ctx.owners.get(s.inode) ?? null;
  const connections: ConnectionRow[] = sockets
    .filter((s) => !isListening(s) && s.remotePort !== 0)
    .map((s) => {
      const inbound = listeningPorts.has(`${s.protocol}/${s.localPort}`);
      const o = owner(s);
      return {
        protocol: s.protocol,
        direction: inbound ? "inbound" : "outbound",
        localAddress: s.localAddress,
        localPort: s.localPort,
        remoteAddress: s.remoteAddress,
        remotePort: s.remotePort,
        state: s.state,
        service: ctx.serviceName(inbound ? s.localPort : s.remotePort),
        process: o?.command ?? null,
        pid: o?.pid ?? null,
        uid: s.uid,
        txQueue: s.txQueue,
        rxQueue: s.rxQueue,
      } satisfies ConnectionRow;
    });
  const established = new Map<string, number>();
  for (const c of connections) {
    if (c.direction !== "inbound" || c.state !== "ESTABLISHED") continue;
    const k = `${c.protocol}/${c.localPort}`;
    established.set(k, (established.get(k) ?? 0) + 1);
  }
  const listening: ListeningRow[] = listeners.map((s) => {
    const o = owner(s);
    return {
      protocol: s.protocol,
      address: s.localAddress,
      port: s.localPort,
      service: ctx.serviceName(s.localPort),
      exposure: exposureOf(s.localAddress),
      process: o?.command ?? null,
      pid: o?.pid ?? null,
      uid: s.uid,
      connections: established.get(`${s.protocol}/${s.localPort}`) ?? 0,
    };
  });
  listening.sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port || a.address.localeCompare(b.address));
  connections.sort((a, b) => a.direction.localeCompare(b.direction) || a.localPort - b.localPort || a.remoteAddress.localeCompare(b.remoteAddress) || a.remotePort - b.remotePort);
  return { listening, connections };
}
