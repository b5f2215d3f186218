import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { compileDesign, RECORD_PATH, type Bundle, type CompileResult } from "../compiler";
import { formatProblem } from "../design";

/** A problem with the user's input: printed as is, exit code 2, nothing written. */
export class InputError extends Error {
  constructor(readonly lines: readonly string[]) {
    super(lines.join("\n"));
  }
}

export async function readDesignFile(cwd: string, file: string | undefined): Promise<Extract<CompileResult, { ok: true }>> {
  if (!file) throw new InputError(["missing the design file: e.g. `npm run cli -- compile design.json --out out`"]);
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError([`${file}: cannot read the file (${code === "ENOENT" ? "no such file" : code})`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError([`${file}: not valid JSON: ${(error as Error).message}`]);
  }
  const result = compileDesign(json);
  if (!result.ok) throw new InputError(result.problems.map((p) => `${file}: ${formatProblem(p)}`));
  return result;
}

/**
 * Writes the bundle under `outDir`: into a temporary sibling folder first, then moved into
 * place, so a failure never leaves half a bundle. An existing folder is replaced only when it
 * holds a previous bundle (or is empty).
 */
export async function writeBundle(bundle: Bundle, outDir: string): Promise<void> {
  const staging = `${outDir}.rlsd-tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    for (const file of bundle) {
      const target = join(staging, file.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.contents);
    }
    await rm(outDir, { recursive: true, force: true });
    await mkdir(dirname(outDir), { recursive: true });
    await rename(staging, outDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The files of an earlier bundle that a new version builds on: its record and its migrations
 * (drizzle/ and supabase/migrations/), read as they are on disk.
 */
export async function readEarlierBundle(dir: string): Promise<Bundle> {
  const files: { path: string; contents: string }[] = [];
  const walk = async (folder: string) => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) files.push({ path: relative(dir, full).split(sep).join("/"), contents: await readFile(full, "utf8") });
    }
  };
  await walk(join(dir, "drizzle"));
  await walk(join(dir, "supabase", "migrations"));
  try {
    files.push({ path: RECORD_PATH, contents: await readFile(join(dir, RECORD_PATH), "utf8") });
  } catch {
    // No record: the caller says what that means.
  }
  return files;
}

/**
 * Writes `bundle` over an existing bundle folder, keeping every other file in it: into a copy
 * first, then swapped into place, so a failure leaves the folder as it was.
 */
export async function overlayBundle(bundle: Bundle, outDir: string): Promise<void> {
  const staging = `${outDir}.rlsd-tmp-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    await cp(outDir, staging, { recursive: true });
    for (const file of bundle) {
      const target = join(staging, file.path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, file.contents);
    }
    await rm(outDir, { recursive: true, force: true });
    await rename(staging, outDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
