/** Building datasets: fills in the envelope and provenance so analyses state only what they know. */
import { hostname } from "node:os";
import { VERSION } from "../version.js";
import { DATASET_FORMAT, DATASET_FORMAT_VERSION, type Column, type Dataset, type Provenance } from "./types.js";

/** What an analysis states to make a dataset; the envelope is filled in. */
export interface DatasetInit<K extends string, Row extends object> {
  kind: K;
  schemaVersion: number;
  title: string;
  columns: Column<Row>[];
  rows: Row[];
  provenance: Provenance;
  warnings?: string[];
}

/** Makes a dataset from its parts. */
export function makeDataset<K extends string, Row extends object>(init: DatasetInit<K, Row>): Dataset<K, Row> {
  return {
    format: DATASET_FORMAT,
    formatVersion: DATASET_FORMAT_VERSION,
    kind: init.kind,
    schemaVersion: init.schemaVersion,
    title: init.title,
    columns: init.columns,
    rows: init.rows,
    provenance: init.provenance,
    warnings: init.warnings ?? [],
  };
}

/**
 * Provenance for an analysis that started at `startedAt` and finishes now.
 * @param analysis analysis id, e.g. `"pcap"`.
 * @param parameters what it ran with (JSON-serialisable).
 * @param startedAt when it started. Default: now.
 */
export function provenance(analysis: string, parameters: unknown, startedAt: Date = new Date()): Provenance {
  return {
    analysis,
    parameters,
    host: hostname(),
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    tool: `netreport@${VERSION}`,
  };
}
