/** GeoIP/ASN enrichment shared by the analyses: lookups, scopes, the MMDB writer and set-up. */
export { openEnricher, type Enricher, type EnricherOptions, type EnricherSource, type EnricherStats, type IpInfo } from "./enricher.js";
export { IpScope, isIpScope, classifyIp, classifyScope, scopeLabel, type ScopeInfo } from "./scope.js";
export { parseIp, parseCidr, formatIp, type ParsedIp, type ParsedCidr } from "./ip.js";
export { writeMmdb, MmdbBuilder, type MmdbEntry, type MmdbOptions } from "./mmdb-writer.js";
export { mmdbTyped, MmdbTyped, type MmdbValue, type MmdbScalarType } from "./mmdb-encode.js";
export { writeTestAsnDb, writeTestCityDb, type TestAsnEntry, type TestCityEntry } from "./test-db.js";
export { prepareEmbeddedDatabases, type PreparedDatabases, type PrepareOptions } from "./prepare.js";
export { EMBEDDED_ATTRIBUTION, defaultCacheDir } from "./embedded.js";
export { countryName } from "./country.js";
