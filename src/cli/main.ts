#!/usr/bin/env node
/**
 * The `netreport` command line: registers the commands of `commands/index.ts` (commands as data),
 * parses arguments with commander, runs one command, and maps the outcome to an exit code:
 * 0 ok, 2 usage error, 1 failure. Errors print as one line that says what and where.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError, Option } from "commander";
import { NetreportError, isNetreportError } from "../errors.js";
import { VERSION } from "../version.js";
import { closeSharedPrinter } from "../report/render.js";
import { commands } from "./commands/index.js";
import { outputOptions } from "./output.js";
import type { CommandIo, CommandSpec } from "./command.js";

const HELP_WIDTH = 110;

/** Exit codes of the CLI. */
export const ExitCode = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

function register(program: Command, spec: CommandSpec, io: CommandIo, done: (p: Promise<void>) => void): void {
  const cmd = program.command(spec.name).summary(spec.summary).description(spec.description ?? spec.summary);
  // Descriptions are wrapped by hand below 100 columns; a narrower width would break their lines again.
  cmd.configureHelp({ helpWidth: HELP_WIDTH });
  for (const a of spec.args ?? []) {
    const name = a.variadic ? `${a.name}...` : a.name;
    cmd.argument(a.required === false ? `[${name}]` : `<${name}>`, a.description);
  }
  for (const o of spec.options ?? []) {
    const opt = new Option(o.flags, o.description);
    if (o.default !== undefined) opt.default(o.default);
    if (o.choices) opt.choices(o.choices);
    cmd.addOption(opt);
  }
  if (spec.outputs) {
    cmd.addOption(new Option("-f, --format <list>", "output formats, comma-separated: html,pdf,png,json,csv,xlsx").default(spec.outputs.defaultFormats.join(",")));
    cmd.addOption(new Option("-o, --out <dir>", "output folder").default("reports"));
    cmd.addOption(new Option("--name <base>", "base name of the output files (default: the command's)"));
    cmd.addOption(new Option("--paper <size>", "PDF paper size").choices(["A4", "Letter"]).default("A4"));
    cmd.addOption(new Option("--lang <tag>", `language of the report's own words, numbers and dates: en, zh-CN, zh-TW, ... (default: ${spec.outputs.langOfInput ? "the report's own, else en" : "en"})`));
  }
  cmd.action((...received: unknown[]) => {
    // commander passes the positionals, then the options object, then the Command.
    const positionals = received.slice(0, (spec.args ?? []).length);
    const options = (received[(spec.args ?? []).length] ?? {}) as Record<string, unknown>;
    // Usage errors in the shared output options surface before any work is done.
    done(Promise.resolve().then(() => {
      if (spec.outputs) outputOptions(options, spec.name);
      return spec.run(positionals, options, io);
    }));
  });
}

/** Runs the CLI on `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  const program = new Command("netreport")
    .configureHelp({ helpWidth: HELP_WIDTH })
    .description("Turns network-operations and security evidence into HTML, PDF and PNG reports.")
    .version(VERSION)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  let running: Promise<void> | undefined;
  for (const spec of commands) register(program, spec, io, (p) => (running = p));
  try {
    await program.parseAsync(argv, { from: "user" });
    await running;
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version exit with code 0 through the same path
      return e.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    const line = isNetreportError(e) ? e.toLine() : `error: ${(e as Error)?.stack ?? String(e)}`;
    io.stderr.write(`netreport: ${line}\n`);
    if (isNetreportError(e, "EUSAGE")) return ExitCode.usage;
    if (isNetreportError(e, "EINTERRUPTED")) return ExitCode.interrupted;
    return ExitCode.failure;
  } finally {
    await closeSharedPrinter();
  }
}

function isEntryPoint(): boolean {
  try {
    return realpathSync(process.argv[1] ?? "") === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(ExitCode.interrupted);
    process.stderr.write(`\nnetreport: ${signal}: stopping, writing what is done (again to quit at once)\n`);
    controller.abort(new NetreportError("EINTERRUPTED", `interrupted by ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  void main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: Boolean(process.stderr.isTTY),
    signal: controller.signal,
  }).then((code) => {
    process.exitCode = code;
  });
}
