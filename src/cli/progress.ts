/** The progress bar of long CLI runs (pcap reading, scans), drawn only when stderr is a terminal. */
import type { CommandIo } from "./command.js";

/** A running bar; payload fields fill the `{name}` tokens of its format. */
export interface ProgressBar {
  start(total: number, payload: object): void;
  update(value: number, payload: object): void;
  stop(): void;
}

/** Time left for the progress bar: `42s`, `3m05s`, `1h12m`. */
export function etaText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** A progress bar with cli-progress's `format`, or null when the run is not interactive. */
export async function progressBar(io: Pick<CommandIo, "interactive" | "stderr">, format: string): Promise<ProgressBar | null> {
  if (!io.interactive) return null;
  const { default: cliProgress } = await import("cli-progress");
  const bar = new cliProgress.SingleBar({ stream: io.stderr as NodeJS.WriteStream, format, fps: 8, hideCursor: true }, cliProgress.Presets.shades_classic);
  return { start: (total, payload) => bar.start(total, 0, payload), update: (v, payload) => bar.update(v, payload), stop: () => bar.stop() };
}
