/**
 * The Handlebars templates of a report, loaded once per folder: `layout.hbs`, one partial per
 * section kind in `partials/` and `report.css` (the printed header and footer are `@page` rules, see
 * pageCss.ts). Users may point at their own folder; files it lacks fall back to the built-in ones.
 */
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";
import { NetreportError } from "../errors.js";
import { PACKAGE_ROOT } from "../version.js";

/** The built-in templates folder. */
export const BUILTIN_TEMPLATES = fileURLToPath(new URL("templates/report/", PACKAGE_ROOT));

/** Compiled templates of one folder. */
export interface TemplateSet {
  layout: Handlebars.TemplateDelegate;
  css: string;
}

const cache = new Map<string, Promise<TemplateSet>>();

async function readWithFallback(dir: string, name: string): Promise<{ text: string; path: string }> {
  for (const base of dir === BUILTIN_TEMPLATES ? [dir] : [dir, BUILTIN_TEMPLATES]) {
    const path = join(base, name);
    try {
      return { text: await readFile(path, "utf8"), path };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
        throw new NetreportError("ETEMPLATE", `cannot read template: ${(e as Error).message}`, { where: path, cause: e });
      }
    }
  }
  throw new NetreportError("ETEMPLATE", `template ${name} not found`, { where: dir });
}

function compile(hb: typeof Handlebars, text: string, path: string): Handlebars.TemplateDelegate {
  try {
    // Precompile now so syntax errors surface at load time with the file name and line.
    hb.precompile(text);
    return hb.compile(text, { strict: false, preventIndent: true });
  } catch (e) {
    const line = /line (\d+)/.exec((e as Error).message)?.[1];
    throw new NetreportError("ETEMPLATE", `template does not compile: ${(e as Error).message.split("\n")[0]}`, {
      where: line ? `${path}:${line}` : path,
      cause: e,
    });
  }
}

async function load(dir: string): Promise<TemplateSet> {
  const hb = Handlebars.create();
  const partialDirs = dir === BUILTIN_TEMPLATES ? [BUILTIN_TEMPLATES] : [BUILTIN_TEMPLATES, dir];
  for (const base of partialDirs) {
    let names: string[] = [];
    try {
      names = (await readdir(join(base, "partials"))).filter((n) => n.endsWith(".hbs"));
    } catch {
      continue; // a user folder without partials uses the built-in ones
    }
    for (const name of names) {
      const path = join(base, "partials", name);
      const text = await readFile(path, "utf8");
      hb.registerPartial(name.slice(0, -4), compile(hb, text, path));
    }
  }
  const [layout, css] = await Promise.all(["layout.hbs", "report.css"].map((n) => readWithFallback(dir, n)));
  return {
    layout: compile(hb, layout!.text, layout!.path),
    css: css!.text,
  };
}

/** The compiled templates of `dir` (default: the built-in ones), loaded once and reused. */
export function loadTemplates(dir: string = BUILTIN_TEMPLATES): Promise<TemplateSet> {
  let set = cache.get(dir);
  if (!set) {
    set = load(dir);
    set.catch(() => cache.delete(dir));
    cache.set(dir, set);
  }
  return set;
}

/** Runs a compiled template, turning Handlebars' runtime errors into ETEMPLATE. */
export function runTemplate(t: Handlebars.TemplateDelegate, context: unknown, name: string): string {
  try {
    return t(context, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
  } catch (e) {
    throw new NetreportError("ETEMPLATE", `template failed: ${(e as Error).message}`, { where: name, cause: e });
  }
}
