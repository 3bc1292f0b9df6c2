/** The running netreport version, read once from package.json (one level above src/ and dist/). */
import { readFileSync } from "node:fs";

/** The package version, e.g. `"0.1.0"`. */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/** The root folder of the installed package (holds templates/). */
export const PACKAGE_ROOT: URL = new URL("../", import.meta.url);
