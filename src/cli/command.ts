/**
 * Commands as data: each CLI command is a {@link CommandSpec} object; `main.ts` registers them.
 * A command's `run` gets parsed arguments and an {@link CommandIo}; it returns normally on
 * success and throws a `NetreportError` on failure (the CLI maps codes to exit codes).
 */
import type { Writable } from "node:stream";

/** One option of a command, in commander's flag syntax (`"-p, --ports <spec>"`). */
export interface OptionSpec {
  flags: string;
  description: string;
  default?: string | boolean | number | string[];
  /** Allowed values, checked before `run` (usage error otherwise). */
  choices?: string[];
}

/** One positional argument. */
export interface ArgumentSpec {
  name: string;
  description: string;
  required?: boolean;
  variadic?: boolean;
}

/** What a running command may touch besides its arguments. */
export interface CommandIo {
  stdout: Writable;
  stderr: Writable;
  /** True when stderr is a terminal (progress bars are drawn only then). */
  interactive: boolean;
  /** Aborted on SIGINT/SIGTERM: stop work, write the partial result, then return. */
  signal: AbortSignal;
}

/** A CLI command described as data. */
export interface CommandSpec {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Longer help text with examples. */
  description?: string;
  args?: ArgumentSpec[];
  options?: OptionSpec[];
  /**
   * Adds the shared output options: `--format <list>` (html,pdf,png,json,csv,xlsx; default given here),
   * `--out <dir>`, `--name <base>`, `--paper <A4|Letter>`, `--lang <tag>`. Read them with
   * `outputOptions()`. `langOfInput`: the report read has a language of its own, which `--lang`
   * overrides only when given (render).
   */
  outputs?: { defaultFormats: string[]; langOfInput?: boolean };
  /** Runs the command. `args` are positionals in order (a variadic one as an array). */
  run(args: unknown[], options: Record<string, unknown>, io: CommandIo): Promise<void>;
}
