/**
 * The world the raw engine touches (raw.ts): /proc and the neighbour tables, the interface list,
 * libpcap captures through `cap`, the clock. Tests replace it with fakes.
 */
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import { networkInterfaces } from "node:os";
import { createSocket } from "node:dgram";
import { execFile } from "node:child_process";
import { NetreportError } from "../../errors.js";
import { parseIpv4Bytes } from "../../enrich/ip.js";
import { permissionError } from "./privilege.js";
import type { IfaceAddress } from "./route.js";

/** An open capture on one interface. */
export interface CaptureHandle {
  /** libpcap link type of the frames (1 = Ethernet). */
  linkType: number;
  send(frame: Buffer): void;
  close(): void;
}

/** What the raw engine touches. */
export interface RawEffects {
  readFile(path: string): Promise<string>;
  interfaces(): Record<string, IfaceAddress[] | undefined>;
  /** Opens a capture on `iface` with BPF `filter`; `onFrame` gets each frame (valid during the call only). */
  openCapture(iface: string, filter: string, onFrame: (frame: Buffer, length: number) => void): CaptureHandle;
  /** The IPv6 neighbour table as `ip -6 neigh show` prints it. */
  neighbours6(): Promise<string>;
  /** Makes the kernel resolve the next hop's MAC (a UDP datagram with TTL / hop limit 1 towards `target`). */
  primeNeighbour(target: string): Promise<void>;
  /** A clock in ms (monotonic). */
  now(): number;
  /** A random integer 0..65535. */
  random16(): number;
  sleep(ms: number): Promise<void>;
}

const CAP_LINKTYPES: Record<string, number> = { ETHERNET: 1, NULL: 0, LINKTYPE_LINUX_SLL: 113, RAW: 101 };

interface CapLike {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  send(buffer: Buffer, nBytes?: number): void;
  close(): void;
  on(event: "packet", fn: (nbytes: number, truncated: boolean) => void): void;
}

/** The real world: /proc, os.networkInterfaces(), libpcap through `cap`, performance.now(). */
export const defaultRawEffects: RawEffects = {
  readFile: (p) => readFile(p, "utf8"),
  interfaces: () => networkInterfaces() as Record<string, IfaceAddress[] | undefined>,
  openCapture(iface, filter, onFrame) {
    let Cap: new () => CapLike;
    try {
      Cap = (createRequire(import.meta.url)("cap") as { Cap: new () => CapLike }).Cap;
    } catch (e) {
      throw new NetreportError("ETRACE", `the libpcap addon "cap" cannot be loaded: ${(e as Error).message}`, { hint: "run `npm run setup` to build it", cause: e });
    }
    const cap = new Cap();
    const buffer = Buffer.alloc(65_535);
    let link: string;
    try {
      link = cap.open(iface, filter, 4 * 1024 * 1024, buffer);
    } catch (e) {
      const msg = (e as Error).message;
      if (/permitted|permission/i.test(msg)) throw permissionError(e);
      throw new NetreportError("ETRACE", `cannot capture on ${iface}: ${msg}`, { where: iface, cause: e });
    }
    const linkType = CAP_LINKTYPES[link];
    if (linkType === undefined) {
      cap.close();
      throw new NetreportError("ETRACE", `interface ${iface} has an unsupported link type (${link})`, { where: iface });
    }
    cap.on("packet", (n) => onFrame(buffer, n));
    return {
      linkType,
      send: (frame) => {
        try {
          cap.send(frame, frame.length);
        } catch (e) {
          throw new NetreportError("ETRACE", `cannot send a probe on ${iface}: ${(e as Error).message}`, { where: iface, cause: e });
        }
      },
      close: () => cap.close(),
    };
  },
  neighbours6: () =>
    new Promise((resolve, reject) => {
      execFile("ip", ["-6", "neigh", "show"], { timeout: 5000 }, (e, out) => {
        if (e) reject(new NetreportError("ETRACE", `cannot read the IPv6 neighbour table (ip -6 neigh show): ${e.message}`, { hint: "install iproute2", cause: e }));
        else resolve(out);
      });
    }),
  primeNeighbour: (target) =>
    new Promise((resolve) => {
      const s = createSocket(parseIpv4Bytes(target) ? "udp4" : "udp6");
      s.on("error", () => {
        s.close();
        resolve();
      });
      s.bind(0, () => {
        s.setTTL(1);
        s.send(Buffer.from([0]), 33_433, target, () => {
          s.close();
          resolve();
        });
      });
    }),
  now: () => performance.now(),
  random16: () => Math.floor(Math.random() * 65_536),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};
