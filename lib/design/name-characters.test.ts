import { describe, expect, it } from "vitest";
import { template, validateDesign, type Design, type AccessRule } from ".";

const TERMINATORS = { "U+000A": "\n", "U+000D": "\r", "U+2028": "\u2028", "U+2029": "\u2029", "U+0085": "\u0085", "U+000B": "\v", "U+000C": "\f" } as const;

function problemsOf(design: Design): { path: string; message: string }[] {
  const result = validateDesign(design);
  return result.ok ? [] : [...result.problems];
}

/** Each place a design names something, with the path validation must report. */
const PLACES: { path: string; set: (design: Design, bad: string) => void; base?: () => Design }[] = [
  { path: "name", set: (d, bad) => void (d.name = `acme${bad}`) },
  { path: "tables[0].name", set: (d, bad) => void (d.tables[0].name = `projects${bad}`) },
  { path: "tables[0].columns[2].name", set: (d, bad) => void (d.tables[0].columns[2].name = `name${bad}`) },
  { path: "tables[1].columns[3].references.table", set: (d, bad) => void (d.tables[1].columns[3].references!.table = `projects${bad}`) },
  { path: "tables[0].firewall.organization.column", set: (d, bad) => void (d.tables[0].firewall!.organization!.column = `organization_id${bad}`) },
  { path: "roles[1]", set: (d, bad) => void (d.roles![1] = `admin${bad}`) },
  { path: "tables[0].access.select.roles[0]", set: (d, bad) => void ((d.tables[0].access!.select as AccessRule).roles![0] = `owner${bad}`) },
  { path: "auth.tenancy.orgClaim", set: (d, bad) => void (d.auth.tenancy = { source: "claims", orgClaim: `org_id${bad}`, roleClaim: "org_role" }) },
  { path: "auth.tenancy.roleClaim[1]", set: (d, bad) => void (d.auth.tenancy = { source: "claims", orgClaim: "org_id", roleClaim: ["o", `rol${bad}`] }) },
  {
    path: "auth.tenancy.membership.table",
    set: (d, bad) => void (d.auth.tenancy = { source: "tables", membership: { table: `members${bad}`, user: "user_id", org: "organization_id", role: "role" } }),
  },
  { path: "postgres.signedInRole", set: (d, bad) => void ((d.target = "postgres"), (d.postgres = { signedInRole: `web_user${bad}` })) },
  { path: "auth.jwksUrl", set: (d, bad) => void (d.auth.jwksUrl = `https://example.com/jwks${bad}`) },
];

describe("characters in names", () => {
  for (const [code, character] of Object.entries(TERMINATORS)) {
    it(`refuses ${code} in every kind of name, with its path`, () => {
      for (const place of PLACES) {
        const design = template("saas");
        place.set(design, `${character}PWNED()`);
        const problems = problemsOf(design).filter((p) => p.path === place.path);
        expect(problems.map((p) => p.message), place.path).toEqual([expect.stringContaining(`contains ${code}`)]);
      }
    });
  }

  it("refuses bidirectional controls and the byte-order mark (a name that reads differently from what it is) and lone surrogates (not text)", () => {
    for (const [character, code] of [["\u202e", "U+202E"], ["\u2066", "U+2066"], ["\ufeff", "U+FEFF"], ["\ud800", "U+D800"]]) {
      const design = template("todos");
      design.tables[0].columns[2].name = `task${character}`;
      expect(problemsOf(design)).toEqual([{ path: "tables[0].columns[2].name", message: expect.stringContaining(`contains ${code}`) }]);
    }
  });

  it("refuses drizzle's statement breakpoint in any string, data included, since drizzle-kit splits the file there", () => {
    const design = template("saas");
    design.name = "acme --> statement-breakpoint DROP TABLE x; --";
    (design.tables[1].access!.update as AccessRule).where = [{ column: "status", op: "eq", value: "--> statement-breakpoint" }];
    expect(problemsOf(design).map((p) => p.path)).toEqual(["name", "tables[1].access.update.where[0].value"]);
  });

  it("allows quotes and other punctuation in names (each file escapes them), and line breaks in data", () => {
    const design = template("saas");
    design.name = `it's "acme" \`\${x}\` */ -- #`;
    design.tables[0].columns[2].name = `we"ird 'name' \`x\``;
    (design.tables[1].access!.update as AccessRule).where = [{ column: "status", op: "eq", value: "line one\nline two\u2028" }];
    expect(problemsOf(design)).toEqual([]);
  });
});
