import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compileDesign, createCompileCache, type CompileCache, type CompileResult } from ".";
import { TARGETS, template, type Design, type Table } from "../design";
import { arbitraryDesign } from "../testing/arbitrary-design";

/**
 * The designer compiles with a cache (CompileCache): what it answers must be what the compiler
 * answers without one, byte for byte, whatever was compiled before. Compared here over random
 * designs, and over random edit sequences made the way the designer makes them (immutably: the
 * tables an edit leaves alone stay the same objects), including edits that break the design or
 * reach across tables (renamed parents, references, sharing tables, duplicate names, roles).
 */

/** Everything a compilation answers: the files (but the one written on demand), the state, the model, problems and warnings. */
function answer(result: CompileResult) {
  if (!result.ok) return { ok: false, problems: result.problems, warnings: result.warnings };
  return {
    ok: true,
    files: result.bundle.filter((f) => !f.onDemand).map((f) => [f.path, f.contents]),
    onDemand: result.bundle.filter((f) => f.onDemand).map((f) => f.path),
    state: result.state,
    model: result.model,
    design: result.design,
    warnings: result.warnings,
  };
}

function expectSame(design: Design, cache: CompileCache) {
  expect(answer(compileDesign(design, cache))).toEqual(answer(compileDesign(structuredClone(design))));
}

/** An edit as the designer makes one: a new design object, new objects on the path to the change, the rest shared. */
type Edit = { kind: number; i: number; j: number; k: number };

const TABLE_NAMES = ["todos", "projects", "child_1", "child_2", "shares", "members", "renamed", "x".repeat(63)];
const COLUMN_NAMES = ["id", "parent_ref", "row_ref", "user_id", "organization_id", "status", "renamed", "xmin"];

function withTable(design: Design, i: number, change: (t: Table) => Table): Design {
  if (design.tables.length === 0) return design;
  const at = i % design.tables.length;
  const tables = design.tables.slice();
  tables[at] = change(tables[at]);
  return { ...design, tables };
}

function applyEdit(design: Design, { kind, i, j, k }: Edit): Design {
  const other = design.tables.length > 0 ? design.tables[k % design.tables.length] : undefined;
  switch (kind % 16) {
    case 0:
      return withTable(design, i, (t) => ({ ...t, name: [...design.tables.map((x) => x.name), ...TABLE_NAMES][j % (design.tables.length + TABLE_NAMES.length)] }));
    case 1:
      return withTable(design, i, (t) => ({ ...t, columns: t.columns.map((c, n) => (n === j % t.columns.length ? { ...c, name: COLUMN_NAMES[k % COLUMN_NAMES.length] } : c)) }));
    case 2:
      return withTable(design, i, (t) => ({ ...t, columns: t.columns.map((c, n) => (n === j % t.columns.length ? { ...c, type: ["text", "uuid", "integer", "bogus"][k % 4] } : c)) }));
    case 3:
      // A reference to another table's key, or none.
      return withTable(design, i, (t) => ({
        ...t,
        columns: t.columns.map((c, n) => {
          if (n !== j % t.columns.length) return c;
          const { references: _references, ...rest } = c;
          void _references;
          return other && k % 3 !== 0 ? { ...rest, references: { table: other.name, column: "id", ...(k % 2 ? { onDelete: "cascade" as const } : {}) } } : rest;
        }),
      }));
    case 4: {
      const firewalls: Table["firewall"][] = [{ public: true }, { organization: { column: "organization_id" } }, { owner: { column: "user_id" } }, { parent: { column: "parent_ref" } }, { parent: { column: "row_ref" } }, undefined];
      return withTable(design, i, (t) => ({ ...t, firewall: firewalls[j % firewalls.length] }));
    }
    case 5: {
      const roles = design.roles ?? [];
      const choices = [undefined, { roles: roles.slice(0, 1) }, { roles: ["ghost"] }, {}, [{ roles: roles.slice(-1) }, {}]];
      return withTable(design, i, (t) => ({ ...t, access: { ...t.access, select: choices[j % choices.length] } }));
    }
    case 6: {
      const roles = design.roles ?? [];
      const choices = [undefined, [...roles, "extra"], roles.slice(1), ["owner", "admin"]];
      return { ...design, roles: choices[j % choices.length] };
    }
    case 7:
      return { ...design, target: TARGETS[j % TARGETS.length] };
    case 8: {
      const choices: Design["auth"]["tenancy"][] = [undefined, { source: "claims" }, { source: "tables" }, { source: "claims", orgClaim: ["o", "id"], roleClaim: ["o", "rol"] }];
      return { ...design, auth: { ...design.auth, tenancy: choices[j % choices.length] } };
    }
    case 9:
      return { ...design, forceRowLevelSecurity: j % 3 === 0 ? undefined : j % 3 === 1 };
    case 10:
      return { ...design, tables: design.tables.filter((_, n) => n !== i % Math.max(1, design.tables.length)) };
    case 11: {
      // The same table object twice (a shallow duplicate), or a renamed copy.
      if (!other) return design;
      const tables = design.tables.slice();
      tables.splice(i % (tables.length + 1), 0, j % 2 ? other : { ...other, name: `${other.name}_copy` });
      return { ...design, tables };
    }
    case 12: {
      if (design.tables.length < 2) return design;
      const tables = design.tables.slice();
      const [moved] = tables.splice(i % tables.length, 1);
      tables.splice(j % (tables.length + 1), 0, moved);
      return { ...design, tables };
    }
    case 13:
      return withTable(design, i, (t) => ({ ...t, access: { ...t.access, update: other && j % 2 ? [{ sharedVia: { table: other.name, row: "row_ref", user: "user_id" } }] : { columns: [t.columns[k % t.columns.length].name] } } }));
    case 14:
      return withTable(design, i, (t) => ({ ...t, anonymous: j % 2 ? { select: { where: [{ column: t.columns[k % t.columns.length].name, op: "isNotNull" }] } } : undefined }));
    default:
      return { ...design, name: ["property", "renamed project", ""][j % 3], postgres: k % 2 ? { signedInRole: "web user", anonymousRole: "web_anon" } : undefined };
  }
}

const edit = fc.record({ kind: fc.nat(), i: fc.nat(), j: fc.nat(), k: fc.nat() });

describe("compiling with a cache", () => {
  it("answers what the compiler answers without one, for random designs, compiled once and again", () => {
    fc.assert(
      fc.property(arbitraryDesign, (design) => {
        const cache = createCompileCache();
        expectSame(design, cache);
        expectSame(design, cache);
        expectSame(structuredClone(design), cache);
      }),
      { numRuns: 25 },
    );
  });

  it("answers what the compiler answers without one after every edit of a random sequence, broken designs included", () => {
    fc.assert(
      fc.property(arbitraryDesign, fc.array(edit, { minLength: 1, maxLength: 10 }), (start, edits) => {
        const cache = createCompileCache();
        let design = start;
        expectSame(design, cache);
        for (const e of edits) {
          design = applyEdit(design, e);
          expectSame(design, cache);
        }
        // Back to where it started: the cache holds both.
        expectSame(start, cache);
      }),
      { numRuns: 40 },
    );
  });

  it("follows a renamed parent to its children, and back", () => {
    const cache = createCompileCache();
    const start = template("tracker");
    const parentIndex = start.tables.findIndex((t) => start.tables.some((c) => c.firewall?.parent && c.columns.some((col) => col.references?.table === t.name)));
    expect(parentIndex).toBeGreaterThanOrEqual(0);
    const first = compileDesign(start, cache);
    expect(first.ok).toBe(true);
    const renamed = withTable(start, parentIndex, (t) => ({ ...t, name: `${t.name}_renamed` }));
    const broken = compileDesign(renamed, cache);
    expect(broken.ok).toBe(false);
    expect(answer(broken)).toEqual(answer(compileDesign(structuredClone(renamed))));
    expect(answer(compileDesign(start, cache))).toEqual(answer(first));
  });

  it("writes an unchanged table's schema.ts again when the variable of a table it references moves", () => {
    // my_docs is `myDocs` in schema.ts until a table named myDocs comes first and takes the name (my_docs becomes myDocs2).
    const cache = createCompileCache();
    const start: Design = {
      version: 1,
      name: "variables",
      target: "neon",
      auth: { provider: "custom" },
      tables: [
        { name: "my_docs", columns: [{ name: "id", type: "uuid", primaryKey: true }, { name: "user_id", type: "text", notNull: true }], firewall: { owner: { column: "user_id" } } },
        { name: "items", columns: [{ name: "id", type: "uuid", primaryKey: true }, { name: "doc", type: "uuid", references: { table: "my_docs", column: "id" } }], firewall: { public: true } },
      ],
    };
    const schemaOf = (result: CompileResult) => (result.ok ? result.bundle.find((f) => f.path === "src/db/schema.ts")!.contents : "");
    expect(schemaOf(compileDesign(start, cache))).toContain("() => myDocs.id");
    const other: Table = { name: "myDocs", columns: [{ name: "id", type: "uuid", primaryKey: true }], firewall: { public: true } };
    const moved: Design = { ...start, tables: [other, ...start.tables] };
    expect(schemaOf(compileDesign(moved, cache))).toContain("() => myDocs2.id");
    expectSame(moved, cache);
  });
});
