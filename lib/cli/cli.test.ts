import { existsSync } from "node:fs";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileDesign } from "../compiler";
import { template, type AccessRule } from "../design";
import { runCliIn } from "./test-cli";

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "rlsd-cli-"));
});
afterEach(() => rm(cwd, { recursive: true, force: true }));

const cli = (...argv: string[]) => runCliIn(cwd, argv);

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

describe("npm run cli", () => {
  it("init writes a template that compile turns into exactly the compiler's bundle", async () => {
    expect((await cli("init", "--template", "saas", "--out", "design.json")).exitCode).toBe(0);
    const result = await cli("compile", "design.json", "--out", "bundle");
    expect(result.exitCode).toBe(0);
    const expected = compileDesign(template("saas"));
    if (!expected.ok) throw new Error("template invalid");
    expect(await listFiles(join(cwd, "bundle"))).toEqual(expected.bundle.map((f) => f.path).sort());
    for (const file of expected.bundle) expect(await readFile(join(cwd, "bundle", file.path), "utf8")).toBe(file.contents);
  });

  it("lists the templates", async () => {
    const { exitCode, stdout } = await cli("templates");
    expect(exitCode).toBe(0);
    expect(stdout).toMatch(/^todos /m);
    expect(stdout).toMatch(/^saas /m);
    expect(stdout).toMatch(/^blog /m);
  });

  it("reports each problem with the file and field, exits 2 and writes nothing", async () => {
    const design = template("saas");
    (design.tables[1].access!.update as AccessRule).where![0].column = "stauts";
    design.tables[0].columns[1].type = "strng";
    await writeFile(join(cwd, "bad.json"), JSON.stringify(design));
    const { exitCode, stderr } = await cli("compile", "bad.json", "--out", "bundle");
    expect(exitCode).toBe(2);
    expect(stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^bad\.json: tables\[0\]\.columns\[1\]\.type: unknown type "strng"/),
      'bad.json: tables[1].access.update.where[0].column: no column "stauts" in table "documents"',
    ]);
    expect(existsSync(join(cwd, "bundle"))).toBe(false);
  });

  it("says what is wrong with a file that is not JSON, or missing", async () => {
    await writeFile(join(cwd, "broken.json"), "{ not json");
    const broken = await cli("lint", "broken.json");
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toMatch(/^broken\.json: not valid JSON/);
    const missing = await cli("verify", "nope.json");
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toBe("nope.json: cannot read the file (no such file)\n");
  });

  it("refuses unknown options and commands with exit 2", async () => {
    expect((await cli("compile", "x.json", "--outt", "b")).exitCode).toBe(2);
    expect((await cli("frobnicate")).exitCode).toBe(2);
    expect((await cli("init", "--template", "nope")).stderr).toContain("choose one of todos, saas, blog");
  });

  it("does not overwrite a folder that holds something other than a bundle", async () => {
    await writeFile(join(cwd, "design.json"), JSON.stringify(template("todos")));
    await writeFile(join(cwd, "keep.txt"), "mine");
    const { exitCode, stderr } = await cli("compile", "design.json", "--out", ".");
    expect(exitCode).toBe(2);
    expect(stderr).toContain("does not hold a bundle");
    expect(await readFile(join(cwd, "keep.txt"), "utf8")).toBe("mine");
  });

  it("applies to the embedded database, says where the data lives, and verifies there", async () => {
    await cli("init", "--template", "todos", "--out", "design.json");
    const applied = await cli("apply", "design.json");
    expect(applied.exitCode).toBe(0);
    expect(applied.stdout).toContain(join(cwd, ".data", "pglite"));
    expect(applied.stdout).toMatch(/stand-in/);
    const again = await cli("apply", "design.json");
    expect(again.stdout).toMatch(/nothing to apply/);
    const verified = await cli("verify", "design.json");
    expect(verified.exitCode).toBe(0);
    expect(verified.stdout).toMatch(/verified: .* 0 mismatches/);
  }, 120_000);
});

describe("npm run cli -- reset", () => {
  it("applies a changed design as the next version, and reset empties the embedded database to start afresh", async () => {
    await cli("init", "--template", "todos", "--out", "design.json");
    expect((await cli("apply", "design.json")).exitCode).toBe(0);
    const changed = template("todos");
    changed.tables[0].columns.push({ name: "notes", type: "text" });
    await writeFile(join(cwd, "design.json"), JSON.stringify(changed));
    const next = await cli("apply", "design.json");
    expect(next.exitCode).toBe(0);
    expect(next.stdout).toContain("1 of 5 migrations to apply\n  this database holds version 1 of this design: the change is applied as version 2 (column todos.notes added)");
    expect(next.stdout).toContain("applied 1 migration: 0004_v2");
    const reset = await cli("reset");
    expect(reset.exitCode).toBe(0);
    expect(reset.stdout).toMatch(/emptied the embedded database .* \(dropped schemas .*public/);
    const again = await cli("apply", "design.json");
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain("verified");
  }, 180_000);

  describe("compile of a new version", () => {
    const v2 = () => {
      const design = template("saas");
      design.tables[0]!.access!.delete = { roles: ["owner", "admin"] };
      return design;
    };

    it("appends one migration on a folder holding an earlier compile, keeps the rest, and writes nothing without a change", async () => {
      await writeFile(join(cwd, "design.json"), JSON.stringify(template("saas")));
      expect((await cli("compile", "design.json", "--out", "bundle")).exitCode).toBe(0);
      await writeFile(join(cwd, "bundle", "drizzle", "0100_app_own.sql"), "-- the app's own file stays\n");
      const before = await readFile(join(cwd, "bundle", "drizzle", "0003_policies.sql"), "utf8");

      const same = await cli("compile", "design.json", "--out", "bundle");
      expect(same).toMatchObject({ exitCode: 0, stdout: "no change since version 1 of the design: nothing written\n" });

      await writeFile(join(cwd, "design.json"), JSON.stringify(v2()));
      const changed = await cli("compile", "design.json", "--out", "bundle");
      expect(changed.exitCode).toBe(0);
      expect(changed.stdout).toMatch(/^version 2: drizzle\/0005_v2\.sql appended\n  policy projects_delete changed\n/);
      expect(await readFile(join(cwd, "bundle", "drizzle", "0003_policies.sql"), "utf8")).toBe(before);
      expect(await readFile(join(cwd, "bundle", "drizzle", "0100_app_own.sql"), "utf8")).toBe("-- the app's own file stays\n");
      expect(await readFile(join(cwd, "bundle", "drizzle", "0005_v2.sql"), "utf8")).toContain(`CREATE POLICY "projects_delete"`);
      expect(JSON.parse(await readFile(join(cwd, "bundle", "rls-designer.json"), "utf8")).version).toBe(2);
    });

    it("diff shows the migration a new version appends and what it does to access, and writes nothing", async () => {
      await writeFile(join(cwd, "old.json"), JSON.stringify(template("saas")));
      await writeFile(join(cwd, "new.json"), JSON.stringify(v2()));
      const result = await cli("diff", "old.json", "new.json");
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/^drizzle\/0005_v2\.sql, as compile --from old\.json would append it:\n  policy projects_delete changed\n/);
      expect(result.stdout).toMatch(/^  \+ admin of org A may now delete from projects \(\d+ of \d+ sample rows\)$/m);
      expect(result.stdout).toContain(`CREATE POLICY "projects_delete"`);
      expect(await readdir(cwd)).toEqual(expect.arrayContaining(["old.json", "new.json"]));
      expect((await readdir(cwd)).length).toBe(2);
      expect((await cli("diff", "old.json", "old.json")).stdout).toBe("no change: the two designs compile to the same database\n");
      expect((await cli("diff", "old.json")).exitCode).toBe(2);
    });

    it("compiles against --from an earlier design into a new folder", async () => {
      await writeFile(join(cwd, "old.json"), JSON.stringify(template("saas")));
      await writeFile(join(cwd, "new.json"), JSON.stringify(v2()));
      const result = await cli("compile", "new.json", "--from", "old.json", "--out", "bundle");
      expect(result.exitCode).toBe(0);
      expect((await listFiles(join(cwd, "bundle", "drizzle"))).filter((f) => f.endsWith(".sql"))).toEqual([
        "0000_neon_setup.sql", "0001_tables.sql", "0002_rls_helpers.sql", "0003_policies.sql", "0004_indexes.sql", "0005_v2.sql",
      ]);
    });

    it("says what is wrong with an earlier bundle, exits 2 and changes nothing", async () => {
      await writeFile(join(cwd, "design.json"), JSON.stringify(template("saas")));
      await cli("compile", "design.json", "--out", "bundle");
      await writeFile(join(cwd, "bundle", "rls-designer.json"), "{ edited");
      await writeFile(join(cwd, "new.json"), JSON.stringify(v2()));
      const broken = await cli("compile", "new.json", "--out", "bundle");
      expect(broken.exitCode).toBe(2);
      expect(broken.stderr).toMatch(/rls-designer\.json: not valid JSON/);
      expect(existsSync(join(cwd, "bundle", "drizzle", "0005_v2.sql"))).toBe(false);

      await rm(join(cwd, "bundle", "rls-designer.json"));
      const unrecorded = await cli("compile", "new.json", "--out", "bundle");
      expect(unrecorded.exitCode).toBe(2);
      expect(unrecorded.stderr).toMatch(/has no rls-designer\.json .* add --from/);

      const target = await cli("compile", "new.json", "--out", "bundle", "--from", "design.json");
      expect(target.exitCode).toBe(0);
      const supabase = { ...v2(), target: "supabase" };
      await writeFile(join(cwd, "supabase.json"), JSON.stringify(supabase));
      const moved = await cli("compile", "supabase.json", "--out", "bundle");
      expect(moved.exitCode).toBe(2);
      expect(moved.stderr).toMatch(/target changed from neon to supabase/);
    });
  });
});
