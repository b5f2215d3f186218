/**
 * `npm run bench:versions`: how long a new version of a large design takes to compile against the
 * earlier one (diff and append) and to compare in meaning, on designs of 100 and 500 tables (the
 * saas template's two tables, repeated). Writes its section of docs/benchmarks.md.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { compileDesign, compileNextVersion } from "../lib/compiler";
import { template, validateDesign, type Design } from "../lib/design";
import { accessChanges } from "../lib/verify";

const DOC = "docs/benchmarks.md";
const HEADING = "## Versions of a design (npm run bench:versions)";

function largeDesign(tables: number): Design {
  const saas = template("saas");
  const design: Design = { ...saas, name: `large-${tables}`, tables: [] };
  for (let k = 0; design.tables.length < tables; k++) {
    const [projects, documents] = structuredClone(saas.tables) as [Design["tables"][number], Design["tables"][number]];
    projects.name = `projects_${k}`;
    documents.name = `documents_${k}`;
    documents.columns.find((c) => c.name === "project_id")!.references!.table = projects.name;
    design.tables.push(projects, documents);
  }
  return design;
}

/** A tenth of the tables gain a column, and admins may now delete every project. */
function nextVersionOf(design: Design): Design {
  const next = structuredClone(design);
  next.tables.forEach((t, i) => {
    if (i % 10 === 0) t.columns.push({ name: "archived", type: "boolean", notNull: true, default: "false" });
    if (t.name.startsWith("projects_")) t.access!.delete = { roles: ["owner", "admin"] };
  });
  return next;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function time<T>(fn: () => T, runs = 5): { ms: number; result: T } {
  let result!: T;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = fn();
    samples.push(performance.now() - start);
  }
  return { ms: median(samples), result };
}

const rows: string[] = [];
for (const size of [100, 500]) {
  const v1 = largeDesign(size);
  const v2 = nextVersionOf(v1);
  const first = time(() => compileDesign(v1));
  if (!first.result.ok) throw new Error("the large design does not compile");
  const bundle = first.result.bundle;
  const next = time(() => compileNextVersion(bundle, v2));
  const version = next.result;
  if (!version.ok || version.kind !== "changed") throw new Error("expected a change");
  const statements = version.bundle.find((f) => f.path === version.migrationPath)!.contents.split("--> statement-breakpoint").length;
  const [a, b] = [validateDesign(v1), validateDesign(v2)];
  if (!a.ok || !b.ok) throw new Error("invalid");
  const access = time(() => accessChanges(a.model, b.model), 3);
  rows.push(`| ${size} | ${first.ms.toFixed(0)} ms | ${next.ms.toFixed(0)} ms | ${statements} | ${access.ms.toFixed(0)} ms | ${access.result.length} |`);
  console.error(`[bench:versions] ${size} tables done`);
}

const section = [
  HEADING,
  "",
  `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} cores (${cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}; medians of 5 runs (3 for access).`,
  "Version 2 adds a column to a tenth of the tables and lets admins delete every project.",
  "",
  "| tables | compile v1 | compile v2 against v1 (diff and append) | statements appended | access diff (meaning) | cells that change |",
  "| --- | --- | --- | --- | --- | --- |",
  ...rows,
  "",
].join("\n");

const doc = existsSync(DOC) ? readFileSync(DOC, "utf8") : "# Benchmarks\n";
const lines = doc.split("\n");
const start = lines.findIndex((l) => l.trimEnd() === HEADING);
let out: string;
if (start < 0) out = `${doc.trimEnd()}\n\n${section}`;
else {
  const end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  out = [...lines.slice(0, start), section.trimEnd(), ...(end < 0 ? [""] : ["", ...lines.slice(end)])].join("\n");
}
writeFileSync(DOC, out.endsWith("\n") ? out : `${out}\n`);
console.log(section);
