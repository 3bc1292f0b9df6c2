/**
 * The GeoIP/ASN enricher of a CLI run, shared by the commands that locate addresses (pcap,
 * trace): the user's MaxMind files (`--geoip-db`, `--asn-db`) where given, the embedded
 * account-free DB-IP/ASN databases otherwise, none with `--no-geoip`. Databases the user named
 * must open; when the embedded ones cannot (e.g. the ASN database is not prepared yet) the run
 * goes on without lookups and says so.
 */
import type { Enricher } from "../enrich/enricher.js";
import type { CommandIo } from "./command.js";

/** The enricher of a run (null: no lookups), what to credit, and what went wrong opening it. */
export interface CliGeo {
  enricher: Enricher | null;
  attribution: string[];
  warnings: string[];
  close(): void;
}

/** Opens the enricher the command's options ask for; warnings also go to stderr. */
export async function openCliGeo(options: Record<string, unknown>, io: Pick<CommandIo, "stderr">, extra: { lookupPrivate?: boolean } = {}): Promise<CliGeo> {
  const none = (warnings: string[]): CliGeo => ({ enricher: null, attribution: [], warnings, close() {} });
  if (options.geoip === false) return none([]);
  const cityDb = typeof options.geoipDb === "string" ? options.geoipDb : undefined;
  const asnDb = typeof options.asnDb === "string" ? options.asnDb : undefined;
  const { openEnricher } = await import("../enrich/index.js");
  let enricher: Enricher;
  try {
    enricher = await openEnricher({ ...(cityDb ? { cityDb } : {}), ...(asnDb ? { asnDb } : {}), ...(extra.lookupPrivate ? { lookupPrivate: true } : {}) });
  } catch (e) {
    if (cityDb || asnDb) throw e;
    const w = `no GeoIP/AS lookups: ${(e as Error).message}`;
    io.stderr.write(`geoip: ${w}\n`);
    return none([w]);
  }
  for (const w of enricher.warnings) io.stderr.write(`geoip: ${w}\n`);
  return { enricher, attribution: enricher.attribution, warnings: enricher.warnings, close: () => enricher.close() };
}
