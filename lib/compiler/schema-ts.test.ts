import { execFile } from "node:child_process";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { compileDesign } from "."
import type { AccessRule } from "../design";
import { TEMPLATE_NAMES, template, type Design } from "../design";

const run = promisify(execFile);
// Inside the project, so that drizzle-orm resolves from its node_modules exactly as a user's app would.
const root = join(process.cwd(), "tmp", `schema-check-${process.pid}`);

afterAll(() => rm(root, { recursive: true, force: true }));

async function typecheck(designs: Record<string, Design>): Promise<string> {
  const files: string[] = [];
  for (const [name, design] of Object.entries(designs)) {
    const result = compileDesign(design);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const path = join(root, name, "schema.ts");
    await mkdir(join(root, name), { recursive: true });
    await writeFile(path, result.bundle.find((f) => f.path === "src/db/schema.ts")!.contents);
    files.push(path);
  }
  const args = ["--ignoreConfig", "--noEmit", "--strict", "--skipLibCheck", "--target", "es2022", "--module", "esnext", "--moduleResolution", "bundler", ...files];
  try {
    await run(join(process.cwd(), "node_modules", ".bin", "tsc"), args);
    return "";
  } catch (error) {
    return (error as { stdout?: string }).stdout ?? String(error);
  }
}

describe("schema.ts", () => {
  it("typechecks against drizzle-orm for every template, every target and hostile names", async () => {
    const designs: Record<string, Design> = Object.fromEntries(TEMPLATE_NAMES.map((n) => [n, template(n)]));
    const hostile = template("saas");
    hostile.tables[0].name = "class";
    hostile.tables[0].columns[2].name = 'we"ird `name` ${x}';
    hostile.tables[1].columns[3].references = { table: "class", column: "id", onDelete: "set null" };
    hostile.tables[1].columns.push({ name: "parent", type: "uuid", references: { table: "documents", column: "id" } });
    (hostile.tables[1].access!.select as AccessRule).where = [{ column: "title", op: "neq", value: "`${process.exit()}`\\" }];
    designs.hostile = hostile;
    designs.supabase = { ...template("saas"), target: "supabase" };
    designs.postgres = { ...template("saas"), target: "postgres", postgres: { signedInRole: "web user", anonymousRole: "web_anon" } };
    expect(await typecheck(designs)).toBe("");
  }, 120_000);
});
