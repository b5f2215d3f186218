import { compileNextVersion } from "../compiler";
import { accessChanges } from "../verify";
import { InputError, readDesignFile } from "./io";
import { parse, type CliIo } from "./run";

/**
 * `diff old.json new.json`: what a new version changes, in SQL (the migration `compile --from
 * old.json` would append) and in access (from the meaning: which principal may now, or no
 * longer, do what). Changes nothing; exit 0.
 */
export async function diffCommand(args: string[], io: CliIo) {
  const { positionals } = parse(args, {});
  if (positionals.length !== 2) throw new InputError(["expected two design files: npm run cli -- diff old.json new.json"]);
  const [oldFile, newFile] = positionals as [string, string];
  const before = await readDesignFile(io.cwd, oldFile);
  const after = await readDesignFile(io.cwd, newFile);
  let next;
  try {
    next = compileNextVersion(before.bundle, after.design);
  } catch (error) {
    throw new InputError([`${newFile}: ${(error as Error).message}`]);
  }
  if (!next.ok) throw new InputError(next.problems.map((p) => `${newFile}: ${p.path}: ${p.message}`));
  if (next.kind === "unchanged") {
    io.stdout("no change: the two designs compile to the same database\n");
    return { exitCode: 0 };
  }
  const migration = next.bundle.find((f) => f.path === next.migrationPath)!;
  const access = accessChanges(before.model, after.model);
  const lines = [
    `${next.migrationPath}, as compile --from ${oldFile} would append it:`,
    ...next.changes.map((c) => `  ${c}`),
    "",
    access.length ? "access, from the meaning of the two designs:" : "access: the same for every principal and operation",
    ...access.map((c) => `  ${c.widened > 0 ? "+" : "-"} ${c.text}`),
    "",
    migration.contents.trimEnd(),
    "",
  ];
  io.stdout(lines.join("\n"));
  return { exitCode: 0 };
}
