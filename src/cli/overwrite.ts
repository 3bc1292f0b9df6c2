/**
 * Refusing an output that is one of the command's own inputs. The default output name comes from
 * the input's (`render reports/weekly.json` → `reports/weekly.*`), so without this check
 * `--format json` wrote a bundle over the report description it had just read.
 *
 * Files are compared by what they are — device and inode, after following symbolic links — so
 * `./reports/../reports/weekly.json`, a symlink and a hard link are all caught; an output that
 * does not exist yet cannot be an input.
 */
import { realpath, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { NetreportError } from "../errors.js";

/** An existing file: the path as given, its real path, and `dev:ino`. */
interface FileId {
  path: string;
  real: string;
  id: string;
}

async function identify(path: string): Promise<FileId | null> {
  try {
    const s = await stat(path);
    return { path, real: await realpath(path), id: `${s.dev}:${s.ino}` };
  } catch {
    return null;
  }
}

function refuse(output: string, input: FileId): never {
  const same = resolve(input.path) === input.real ? "" : ` (both are ${input.real})`;
  throw new NetreportError("EUSAGE", `the output ${output} would overwrite the input ${input.path}${same}; nothing was written`, {
    where: output,
    hint: "write the outputs elsewhere with --out <dir>, or name them with --name <base>",
  });
}

/**
 * Throws EUSAGE, naming both paths, when one of `outputs` is one of the files in `inputs`.
 * `matches` catches outputs whose names are not known yet: an input (by resolved or real path)
 * for which it returns true is refused as well.
 */
export async function refuseInputOverwrite(outputs: readonly string[], inputs: readonly string[], matches?: (path: string) => boolean): Promise<void> {
  const ids = (await Promise.all([...new Set(inputs)].map(identify))).filter((x): x is FileId => x !== null);
  if (!ids.length) return;
  for (const input of ids) {
    if (matches && (matches(resolve(input.path)) || matches(input.real))) refuse(resolve(input.path), input);
  }
  const byId = new Map(ids.map((i) => [i.id, i]));
  for (const output of outputs) {
    const o = await identify(output);
    const input = o && byId.get(o.id);
    if (input) refuse(output, input);
  }
}
