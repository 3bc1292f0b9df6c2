/** `netreport render <report.json>`: renders a saved report description to HTML, PDF and PNG. */
import { readFile, writeFile } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { NetreportError } from "../../errors.js";
import { parseReport } from "../../report/validate.js";
import { findPictureSection, sectionPng } from "../../report/sectionPng.js";
import { outputOptions, writeOutputs } from "../output.js";
import type { CommandSpec } from "../command.js";

export const renderCommand: CommandSpec = {
  name: "render",
  summary: "render a report description (report.json) to HTML, PDF, PNG",
  description: [
    "Render a report description (JSON: title, metadata, sections with datasets, charts, graphs,",
    "findings) to a self-contained HTML file, a PDF and a PNG of its first page.",
    "",
    "Example:",
    "  netreport render weekly.json --format html,pdf --out reports/",
  ].join("\n"),
  args: [{ name: "report", description: "report description file (JSON)", required: true }],
  options: [
    { flags: "--templates <dir>", description: "folder of templates that override the built-in ones" },
    { flags: "--png-section <id>", description: "also write one chart or graph section (id, number or title) as <name>.<id>.png" },
  ],
  outputs: { defaultFormats: ["html", "pdf"], langOfInput: true },
  async run([file], options, io) {
    const path = String(file);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (e) {
      throw new NetreportError("EINPUT", `cannot read report description: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { where: path, cause: e });
    }
    const read = parseReport(text, path);
    // Checked before the (slower) full render, so a wrong id fails fast.
    const pictureRef = typeof options.pngSection === "string" ? options.pngSection : null;
    if (pictureRef !== null) findPictureSection(read, pictureRef);
    // The default name is the input's: refused when the output would land on the input itself.
    const out = outputOptions(options, basename(path).replace(/\.json$/i, ""));
    // --lang, when given, overrides the description's own language.
    const report = out.lang ? { ...read, lang: out.lang } : read;
    const pictureFile = pictureRef === null ? null : `${out.name}.${pictureRef.replace(/[^\p{L}\p{N}_-]+/gu, "_")}.png`;
    out.inputs = [path];
    out.extraFiles = pictureFile ? [pictureFile] : [];
    await writeOutputs(report, out, io, typeof options.templates === "string" ? { templatesDir: options.templates } : {});
    if (pictureRef !== null) {
      const target = join(resolve(out.outDir), pictureFile!);
      const png = await sectionPng(report, pictureRef);
      try {
        await writeFile(target, png);
      } catch (e) {
        throw new NetreportError("EOUTPUT", `cannot write: ${(e as Error).message}`, { where: target, cause: e });
      }
      io.stderr.write(`wrote ${target}\n`);
    }
  },
};
