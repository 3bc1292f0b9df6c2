/** Every command of the CLI, in the order `netreport --help` lists them. */
import type { CommandSpec } from "../command.js";
import { traceCommand } from "./trace.js";
import { renderCommand } from "./render.js";
import { demoCommand } from "./demo.js";
import { scanCommand } from "./scan.js";
import { pcapCommand } from "./pcap.js";

export const commands: CommandSpec[] = [demoCommand, renderCommand, pcapCommand, scanCommand, traceCommand];
