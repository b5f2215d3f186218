import { describe, expect, it } from "vitest";
import { formatProblem, TEMPLATE_NAMES, template, validateDesign, withArticle, type Design, type AccessRule } from ".";

function problemsOf(design: unknown): string[] {
  const result = validateDesign(design);
  return result.ok ? [] : result.problems.map(formatProblem);
}

function saas(): Design {
  return template("saas");
}

describe("validateDesign", () => {
  it.each(TEMPLATE_NAMES)("accepts the %s template", (name) => {
    expect(problemsOf(template(name))).toEqual([]);
  });

  it("names the path of a condition on a missing column", () => {
    const design = saas();
    (design.tables[1].access!.update as AccessRule).where![0].column = "stauts";
    expect(problemsOf(design)).toEqual(['tables[1].access.update.where[0].column: no column "stauts" in table "documents"']);
  });

  it("reports every problem at once, each with its path", () => {
    const design = saas();
    design.tables[0].columns[1].type = "strng";
    design.tables[1].firewall!.owner!.bypassRoles = ["root"];
    design.tables[1].columns[3].references = { table: "projets", column: "id" };
    design.tables.push({ ...structuredClone(design.tables[0]) });
    const problems = problemsOf(design);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tables\[0\]\.columns\[1\]\.type: unknown type "strng"/),
        'tables[1].firewall.owner.bypassRoles[0]: role "root" is not declared in roles',
        'tables[1].columns[3].references.table: no table "projets"',
        'tables[2].name: table "projects" is defined twice',
      ]),
    );
  });

  it("reports shape errors from the schema with their paths", () => {
    expect(problemsOf({ ...saas(), version: 2 })).toEqual(["version: must be 1, not the number 2"]);
    expect(problemsOf({ ...saas(), extra: true })).toEqual(['unknown field "extra"']);
    const design = saas() as unknown as { tables: { access: { update: { where: { op: string }[] } } }[] };
    design.tables[1].access.update.where[0].op = "like";
    expect(problemsOf(design)[0]).toMatch(/^tables\[1\]\.access\.update\.where\[0\]\.op: must be "eq" or "neq"/);
  });

  it("allows roles only with tenancy", () => {
    const design = template("todos");
    design.roles = ["admin"];
    design.tables[0].access!.select = { roles: ["admin"] };
    expect(problemsOf(design)).toEqual([
      "roles: roles need auth.tenancy (organization roles come from the organization)",
      "tables[0].access.select.roles: roles need auth.tenancy (set auth.tenancy, or remove roles to allow every signed-in user)",
    ]);
  });

  it("refuses defaults outside the safe set", () => {
    const design = template("todos");
    design.tables[0].columns[2].default = "(select secret from vault)";
    design.tables[0].columns[3].default = "'yes'";
    expect(problemsOf(design)).toEqual([
      expect.stringMatching(/^tables\[0\]\.columns\[2\]\.default: "\(select secret from vault\)" is not an allowed default/),
      "tables[0].columns[3].default: write boolean defaults without quotes",
    ]);
  });

  it("says an integer column, a uuid column: the article follows the type's sound", () => {
    expect(["integer", "integer[]", "uuid", "text", "jsonb", "user", "update"].map(withArticle)).toEqual([
      "an integer",
      "an integer[]",
      "a uuid",
      "a text",
      "a jsonb",
      "a user",
      "an update",
    ]);
    const design = template("todos");
    design.tables[0].columns.push({ name: "position", type: "integer", default: "now()" });
    (design.tables[0].access!.select as AccessRule).where = [{ column: "position", op: "eq", value: "first" }];
    const messages = problemsOf(design).join("\n");
    expect(messages).toContain("fit an integer column");
    expect(messages).toContain("for an integer column");
    expect(messages).not.toMatch(/\ba integer/);
  });

  it("checks that values fit their column's type", () => {
    const design = saas();
    (design.tables[1].access!.select as AccessRule).where = [
      { column: "project_id", op: "eq", value: "not-a-uuid" },
      { column: "status", op: "eq", value: null },
      { column: "status", op: "in", value: [] },
      { column: "title", op: "lt", value: "$org" },
    ];
    expect(problemsOf(design)).toEqual([
      'tables[1].access.select.where[0].value: expected a uuid like "00000000-0000-0000-0000-000000000000"',
      "tables[1].access.select.where[1].value: null never matches; use isNull",
      "tables[1].access.select.where[2].value: in needs a non-empty array of values",
      "tables[1].access.select.where[3].op: $org is only allowed with eq and neq",
    ]);
  });

  it("requires a firewall and a primary key on every table", () => {
    const design = template("todos");
    delete design.tables[0].firewall;
    design.tables[0].columns[0].primaryKey = false;
    expect(problemsOf(design)).toEqual([
      'tables[0].columns: table "todos" needs a primary key (mark a column "primaryKey": true)',
      'tables[0].firewall: table "todos" needs a firewall: organization, owner, parent, or "public": true',
    ]);
  });

  it("refuses identifiers over PostgreSQL's 63-byte limit, counting bytes not characters", () => {
    const design = template("todos");
    design.tables[0].name = "é".repeat(32); // 64 bytes in UTF-8
    expect(problemsOf(design)).toEqual([`tables[0].name: a table name "${"é".repeat(32)}" is 64 bytes; PostgreSQL allows at most 63`]);
    design.tables[0].name = "x".repeat(63);
    expect(problemsOf(design)).toEqual([]);
  });

  it("refuses project names that could break out of a SQL comment", () => {
    expect(problemsOf({ ...template("todos"), name: "acme\nDROP TABLE x;" })).toEqual([
      "name: contains U+000A (line feed); names may not contain control characters, line or paragraph separators, bidirectional controls or lone surrogates",
    ]);
  });

  it("checks plain PostgreSQL's configurable role names", () => {
    const design = { ...template("todos"), target: "postgres" as const, postgres: { signedInRole: "app_user", anonymousRole: "app_user" } };
    expect(problemsOf(design)).toEqual(["postgres.anonymousRole: must differ from the signed-in role"]);
    expect(problemsOf({ ...design, postgres: { signedInRole: "pg_signed_in" } })).toEqual(['postgres.signedInRole: "pg_signed_in" is reserved in PostgreSQL']);
    expect(problemsOf({ ...design, postgres: { signedInRole: "web_user", anonymousRole: "web_anon" } })).toEqual([]);
  });

  it("accepts claim paths into nested claims", () => {
    const design = saas();
    design.auth.tenancy = { source: "claims", orgClaim: ["o", "id"], roleClaim: ["o", "rol"] };
    expect(problemsOf(design)).toEqual([]);
    design.auth.tenancy = { source: "claims", orgClaim: ["o", ""], roleClaim: ["o", "id"] };
    expect(problemsOf(design)).toEqual(["auth.tenancy.orgClaim[1]: a claim name may not be empty"]);
  });

  it("warns, without refusing, when a user column does not fit the target's user id", () => {
    // Clerk on Supabase with a text user column: the policies compare the sub as text, nothing to warn about.
    expect(validateDesign({ ...template("todos"), target: "supabase" }).warnings).toEqual([]);
    const supabaseAuth = validateDesign({ ...template("todos"), target: "supabase", auth: { provider: "supabase" } });
    expect(supabaseAuth.ok).toBe(true);
    expect(supabaseAuth.warnings.map(formatProblem)).toEqual([
      expect.stringMatching(/^tables\[0\]\.firewall\.owner\.column: column "user_id" is text, but Supabase Auth user ids are uuids/),
    ]);
    const clerk = template("todos");
    clerk.tables[0].columns[1].type = "uuid";
    expect(validateDesign(clerk).warnings.map((w) => w.message)).toEqual([expect.stringMatching(/clerk user ids .* are not uuids/)]);
    expect(validateDesign({ ...clerk, target: "supabase" }).warnings.map((w) => w.message)).toEqual([expect.stringMatching(/clerk user ids .* are not uuids/)]);
    expect(validateDesign(template("saas")).warnings).toEqual([]);
  });

  it("refuses organization claims under \"role\" on Supabase, where that claim names the database role", () => {
    const workos = { ...template("saas"), target: "supabase" as const, auth: { provider: "workos" as const, tenancy: { source: "claims" as const, orgClaim: "org_id", roleClaim: "role" } } };
    expect(problemsOf(workos)).toEqual(['auth.tenancy.roleClaim: on Supabase the "role" claim names the database role (authenticated); put the organization role in another claim, e.g. "org_role"']);
    expect(problemsOf({ ...workos, target: "neon" })).toEqual([]);
    expect(problemsOf({ ...workos, auth: { ...workos.auth, tenancy: { source: "claims", orgClaim: ["role", "org"], roleClaim: "org_role" } } })).toEqual([
      'auth.tenancy.orgClaim: on Supabase the "role" claim names the database role (authenticated); put the organization id in another claim, e.g. "org_id"',
    ]);
  });

  it("refuses stable ids that two tables (or two columns of a table) share, with the path", () => {
    const design = template("saas");
    design.tables[1]!.id = "projects";
    const result = validateDesign(design);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => `${p.path}: ${p.message}`)).toContain('tables[1].id: "projects" is already the id of tables[0] ("projects"): ids of tables must differ');
    const columns = template("saas");
    columns.tables[0]!.columns[1]!.id = "id";
    const second = validateDesign(columns);
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.problems.map((p) => p.path)).toContain("tables[0].columns[1].id");
    const bad = template("saas");
    bad.tables[0]!.id = "has space";
    const third = validateDesign(bad);
    expect(third.ok).toBe(false);
    if (!third.ok) expect(third.problems.map((p) => p.path)).toContain("tables[0].id");
  });
});
