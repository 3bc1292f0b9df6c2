/**
 * The CLI run in-process, as `main` runs for a user: real arguments, real files, the exit code
 * and what went to stderr. Faster than a child process and needs no build.
 */
import { PassThrough } from "node:stream";
import { main } from "../../src/cli/main.js";

/** Runs `netreport <argv...>`; resolves to its exit code and stderr text. */
export async function runCli(...argv: string[]): Promise<{ code: number; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = "";
  stderr.on("data", (d: Buffer) => (err += d.toString()));
  stdout.resume();
  const code = await main(argv, { stdout, stderr, interactive: false, signal: new AbortController().signal });
  return { code, stderr: err };
}
