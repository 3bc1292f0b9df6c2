/** Datasets and findings: the typed output of every analysis. */
export * from "./types.js";
export * from "./finding.js";
export * from "./create.js";
export * from "./json.js";
export * from "./csv.js";
