import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { compileDesign, type Bundle, type CompileResult } from "../compiler";
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
