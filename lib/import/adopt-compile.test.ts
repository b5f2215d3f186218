import { describe, expect, it } from "vitest";
import { compileDesign, compileNextVersion } from "../compiler";
import { validateDesign, type Design } from "../design";

const design = (tables: Design["tables"]): Design => ({ version: 1, name: "adopt", target: "postgres", auth: { provider: "custom" }, tables });
const notes = (extra: Partial<Design["tables"][number]> = {}): Design["tables"][number] => ({
  name: "notes",
  existing: true,
  columns: [
    { name: "id", type: "uuid", primaryKey: true, default: "gen_random_uuid()" },
    { name: "user_id", type: "text", notNull: true },
    { name: "mood", type: "mood" },
    { name: "n", type: "bigint", notNull: true, default: "nextval('notes_n_seq'::regclass)" },
    { name: "parent_id", type: "uuid", references: { table: "parents", column: "id" } },
  ],
  firewall: { owner: { column: "user_id" } },
  access: { select: {}, insert: {} },
  ...extra,
});
const parents: Design["tables"][number] = { name: "parents", existing: true, columns: [{ name: "id", type: "uuid", primaryKey: true }], firewall: { public: true } };
const sql = (bundle: readonly { path: string; contents: string }[]) => bundle.filter((f) => f.path.endsWith(".sql") && !f.path.includes("tests/")).map((f) => f.contents).join("\n");

describe("adopted tables (existing: true) in the bundle", () => {
  it("are not created, nor their keys; they get RLS, grants, policies and indexes; kept types and defaults are never emitted", () => {
    const compiled = compileDesign(design([notes(), parents]));
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    const text = sql(compiled.bundle);
    expect(text).not.toMatch(/CREATE TABLE/);
    expect(text).not.toMatch(/FOREIGN KEY/);
    expect(text).not.toMatch(/nextval|mood/);
    expect(text).toContain('ALTER TABLE public."notes" ENABLE ROW LEVEL SECURITY;');
    expect(text).toMatch(/CREATE POLICY "notes_/);
    expect(text).toMatch(/CREATE INDEX IF NOT EXISTS "[^"]+" ON public\."notes"/);
    expect(compiled.warnings.map((w) => w.path)).toEqual(expect.arrayContaining(["tables[0].columns[2].type", "tables[0].columns[3].default"]));
    expect(compiled.bundle.find((f) => f.path === "src/db/schema.ts")!.contents).toContain('customType<{ data: string }>({ dataType: () => "mood" })("mood")');
  });

  it("change columns only when a later version changes them (the import is the earlier version)", () => {
    const first = compileDesign(design([notes(), parents]));
    if (!first.ok) throw new Error("invalid");
    const edited = notes();
    edited.columns.push({ name: "title", type: "text", notNull: true, default: "''" });
    const next = compileNextVersion(first.bundle, design([edited, parents]));
    if (!next.ok || next.kind !== "changed") throw new Error(JSON.stringify(next));
    const migration = next.bundle.find((f) => f.path === next.migrationPath)!.contents;
    expect(migration.split("\n").filter((l) => !l.startsWith("--") && l.trim() !== "")).toEqual([`ALTER TABLE public."notes" ADD COLUMN "title" text NOT NULL DEFAULT '';`]);
  });

  it("a table adopted in a later version is not created either", () => {
    const first = compileDesign(design([parents]));
    if (!first.ok) throw new Error("invalid");
    const next = compileNextVersion(first.bundle, design([parents, notes()]));
    if (!next.ok || next.kind !== "changed") throw new Error(JSON.stringify(next));
    const migration = next.bundle.find((f) => f.path === next.migrationPath)!.contents;
    expect(migration).not.toMatch(/CREATE TABLE|FOREIGN KEY/);
    expect(migration).toContain('ALTER TABLE public."notes" ENABLE ROW LEVEL SECURITY;');
    expect(next.changes).toContain("table notes adopted (it exists: row-level security enabled, nothing created)");
  });

  it.each([
    ["text; drop table x", true],
    ['"a"b"', true],
    ["citext", false],
  ])("a kept type must be a plain type name: %s on an existing table refused: %s", (type, refused) => {
    const table = notes();
    table.columns[2] = { name: "mood", type };
    expect(validateDesign(design([table, parents])).ok).toBe(!refused);
  });

  it("types and defaults outside the model are refused on tables the bundle creates", () => {
    const result = validateDesign(design([{ ...notes(), existing: undefined }, parents]));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toEqual(expect.arrayContaining(["tables[0].columns[2].type"]));
  });
});
