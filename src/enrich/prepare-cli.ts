/**
 * `node dist/enrich/prepare-cli.js [cacheDir] [--force]`: builds the embedded ASN database once,
 * at set-up. Prints one line; exit status 0 on success, 1 on failure.
 */
import { isNetreportError } from "../errors.js";
import { prepareEmbeddedDatabases } from "./prepare.js";

const args = process.argv.slice(2);
const force = args.includes("--force");
const cacheDir = args.find((a) => !a.startsWith("--"));

try {
  const r = await prepareEmbeddedDatabases(cacheDir, { force });
  const secs = (r.ms / 1000).toFixed(1);
  console.log(
    r.built
      ? `netreport: ASN database built at ${r.asn} (${r.networks} networks, ${r.skippedLines} lines skipped, ${secs} s)`
      : `netreport: ASN database up to date at ${r.asn}`,
  );
} catch (e) {
  console.log(`netreport: preparing the embedded GeoIP/ASN databases failed: ${isNetreportError(e) ? e.toLine() : String(e)}`);
  process.exitCode = 1;
}
