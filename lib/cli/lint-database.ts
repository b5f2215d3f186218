import { describeFailure } from "../apply/errors";
import { openDatabase } from "../db";
import { CatalogError } from "../import";
import { formatSarif, formatText, lintDatabase } from "../lint";
import { InputError } from "./io";
import { failureLines, parse, secretsIn, type CliIo } from "./run";

/** `lint --database-url URL`: splinter's RLS checks and ours on a live database; exit 1 when any is an error. */
export async function lintDatabaseCommand(args: string[], io: CliIo) {
  const { values, positionals } = parse(args, { "database-url": { type: "string" }, schema: { type: "string" }, format: { type: "string" } });
  if (positionals.length) throw new InputError([`give either a design file or --database-url, not both`]);
  const url = String(values["database-url"]);
  if (!/^postgres(ql)?:\/\//.test(url)) throw new InputError(["--database-url: expected postgres://user@host:port/database"]);
  const format = (values.format as string | undefined) ?? "text";
  if (!["text", "json", "sarif"].includes(format)) throw new InputError([`--format: text, json or sarif (got "${format}")`]);
  const redactor = secretsIn(args, io.env ?? process.env);
  let step: "connect" | "plan" = "connect";
  try {
    const db = await openDatabase({ url });
    try {
      step = "plan";
      const { findings } = await lintDatabase(db, (values.schema as string | undefined) ?? "public");
      const out =
        format === "text"
          ? formatText(findings, db.location)
          : JSON.stringify(format === "json" ? { database: db.location, findings } : formatSarif(findings, db.location, "1"), null, 2) + "\n";
      io.stdout(redactor.redact(out));
      return { exitCode: findings.some((f) => f.level === "error") ? 1 : 0 };
    } finally {
      await db.close().catch(() => {});
    }
  } catch (error) {
    if (error instanceof CatalogError) {
      io.stderr(redactor.redact(`lint failed: ${error.message}\nfix: ${error.fix}`) + "\n");
      return { exitCode: 1 };
    }
    io.stderr(failureLines(describeFailure(step, error), "lint", redactor) + "\n");
    return { exitCode: 1 };
  }
}
