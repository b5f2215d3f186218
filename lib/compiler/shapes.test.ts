import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileDesign } from ".";
import { template, validateDesign, type Design } from "../design";
import { apply, type Database, type Session } from "../db";
import { inRolledBackTransaction, resetBundleSchemas, testDatabases } from "../db/test-databases";

/**
 * Spec §4's shapes, attacked as the signed-in role: rule lists, parent firewalls, sharing and
 * update columns. Each case is one short transaction, rolled back.
 */

function compiled(design: Design) {
  const result = compileDesign(design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

async function signIn(tx: Session, claims: Record<string, unknown>) {
  await tx.query("select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)", [JSON.stringify(claims)]);
}

async function sqlstateOf(tx: Session, sql: string, params: unknown[] = []): Promise<string | null> {
  await tx.query("savepoint attempt");
  try {
    await tx.query(sql, params);
    await tx.query("release savepoint attempt");
    return null;
  } catch (error) {
    await tx.query("rollback to savepoint attempt");
    return (error as { sqlstate?: string }).sqlstate ?? "unknown";
  }
}

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
const count = async (tx: Session, sql: string, params: unknown[] = []) => Number((await tx.query<{ n: string }>(`select count(*) as n from (${sql}) as q`, params)).rows[0]!.n);

describe("shape validation", () => {
  const problems = (design: Design) => {
    const result = validateDesign(design);
    return result.ok ? [] : result.problems.map((p) => `${p.path}: ${p.message}`);
  };

  it("refuses a parent cycle, naming the field and the loop", () => {
    const design = template("tracker");
    const projects = design.tables[0];
    projects.columns.push({ name: "task_id", type: "uuid", notNull: true, references: { table: "tasks", column: "id" } });
    projects.firewall = { parent: { column: "task_id" } };
    expect(problems(design)).toContainEqual(expect.stringMatching(/^tables\[0\]\.firewall\.parent\.column: the parent chain projects -> tasks -> projects is a cycle/));
  });

  it("refuses a parent column without a reference, columns on other operations, and sharedVia on insert", () => {
    const design = template("tracker");
    design.tables[1].columns.find((c) => c.name === "project_id")!.references = undefined;
    design.tables[2].access!.select = { columns: ["body"] };
    design.tables[2].access!.insert = { sharedVia: { table: "tasks", row: "id", user: "assignee_id" } };
    expect(problems(design)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^tables\[1\]\.firewall\.parent\.column: column "project_id" must reference/),
        expect.stringMatching(/^tables\[2\]\.access\.select\.columns: columns only apply to update rules/),
        expect.stringMatching(/^tables\[2\]\.access\.insert\.sharedVia: insert has no existing row/),
      ]),
    );
  });

  it("an empty rule list compiles to no permissive policy (denied)", () => {
    const design = template("marketplace");
    design.tables[0].access!.delete = [];
    const { state } = compiled(design);
    expect(state.policies.filter((p) => p.table === "products").map((p) => p.name)).not.toContain("products_delete");
  });
});

describe.each(testDatabases())("shapes attacked on $name", ({ open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  describe("documents (sharing, parent)", () => {
    const { bundle } = compiled(template("documents"));
    const alice = { sub: "alice", org_id: "org-a", org_role: "member" };
    const carol = { sub: "carol", org_id: "org-a", org_role: "member" };
    const mallory = { sub: "mallory", org_id: "org-b", org_role: "member" };
    beforeAll(async () => {
      await resetBundleSchemas(db);
      await apply(bundle, db);
    });
    const seeded = <T>(fn: (tx: Session) => Promise<T>) =>
      inRolledBackTransaction(db, async (tx) => {
        await tx.query(`insert into public."documents" ("id", "organization_id", "owner_id", "title") values ($1, 'org-a', 'alice', 'plan'), ($2, 'org-a', 'bob', 'bob''s'), ($3, 'org-b', 'mallory', 'b')`, [uuid(1), uuid(2), uuid(3)]);
        await tx.query(`insert into public."document_shares" ("document_id", "user_id") values ($1, 'carol')`, [uuid(1)]);
        return fn(tx);
      });

    it("a user reads the rows shared with them, even when the sharing table's own rules hide every share", async () => {
      const outcome = await seeded(async (tx) => {
        await tx.query(`drop policy "document_shares_select" on public."document_shares"`);
        await signIn(tx, carol);
        const shares = await count(tx, `select 1 from public."document_shares"`);
        const visible = (await tx.query<{ title: string }>(`select "title" from public."documents" order by 1`)).rows.map((r) => r.title);
        return { shares, visible };
      });
      expect(outcome).toEqual({ shares: 0, visible: ["plan"] });
    });

    it("a share into another organization does not cross the firewall", async () => {
      const outcome = await seeded(async (tx) => {
        await tx.query(`insert into public."document_shares" ("document_id", "user_id") values ($1, 'carol')`, [uuid(3)]);
        await signIn(tx, carol);
        return (await tx.query<{ title: string }>(`select "title" from public."documents" order by 1`)).rows.map((r) => r.title);
      });
      expect(outcome).toEqual(["plan"]);
    });

    it("a sharer edits only the columns the rule lists (42501 otherwise), and cannot take the document over", async () => {
      const outcome = await seeded(async (tx) => {
        await signIn(tx, carol);
        const title = await sqlstateOf(tx, `update public."documents" set "title" = 'edited' where "id" = $1`, [uuid(1)]);
        const owner = await sqlstateOf(tx, `update public."documents" set "owner_id" = 'carol' where "id" = $1`, [uuid(1)]);
        const same = await sqlstateOf(tx, `update public."documents" set "owner_id" = "owner_id", "body" = 'x' where "id" = $1`, [uuid(1)]);
        const replica = await sqlstateOf(tx, `set local session_replication_role = replica`);
        return { title, owner, same, replica };
      });
      expect(outcome).toEqual({ title: null, owner: "42501", same: null, replica: "42501" });
    });

    it("a share row belongs wherever its document belongs: none into another organization", async () => {
      const outcome = await seeded(async (tx) => {
        await signIn(tx, mallory);
        const intoA = await sqlstateOf(tx, `insert into public."document_shares" ("document_id", "user_id") values ($1, 'mallory')`, [uuid(1)]);
        const dangling = await sqlstateOf(tx, `insert into public."document_shares" ("document_id", "user_id") values ($1, 'mallory')`, [uuid(99)]);
        // Only the parent's firewall counts, not its access: alice may share bob's document she cannot read.
        await signIn(tx, alice);
        const hidden = await count(tx, `select 1 from public."documents" where "id" = $1`, [uuid(2)]);
        const share = await sqlstateOf(tx, `insert into public."document_shares" ("document_id", "user_id") values ($1, 'alice')`, [uuid(2)]);
        return { intoA, dangling, hidden, share };
      });
      expect(outcome).toEqual({ intoA: "42501", dangling: "42501", hidden: 0, share: null });
    });

    it("the SECURITY DEFINER helpers resolve no type or function of the attacker's pg_temp", async () => {
      const outcome = await seeded(async (tx) => {
        await signIn(tx, mallory);
        await tx.query(`CREATE FUNCTION pg_temp.evil(v pg_catalog.text) RETURNS boolean LANGUAGE plpgsql AS $e$
BEGIN PERFORM pg_catalog.set_config('attack.ran_as', current_user::pg_catalog.text, true); RETURN true; END $e$`);
        const ran: string[] = [];
        for (const type of ["text", "uuid", "bool", "int4", "jsonb"]) {
          await tx.query("savepoint shadow");
          await tx.query(`CREATE DOMAIN pg_temp.${type} AS pg_catalog.text CHECK (pg_temp.evil(VALUE))`);
          for (const call of [`select "rls"."documents_firewall_keys"()`, `select "rls"."document_shares_document_id_user_id_shared_keys"()`, `select count(*) from public."documents"`, `select count(*) from public."document_shares"`]) {
            await tx.query("select set_config('attack.ran_as', '', true)");
            if ((await sqlstateOf(tx, call)) !== null) continue;
            const who = (await tx.query<{ who: string }>("select current_setting('attack.ran_as', true) as who")).rows[0]!.who;
            if (who && who !== "authenticated") ran.push(`${call} with pg_temp.${type} ran as ${who}`);
          }
          await tx.query("rollback to savepoint shadow");
        }
        return ran;
      });
      expect(outcome).toEqual([]);
    });
  });

  describe("tracker (parent chains, rules per role, columns)", () => {
    const { bundle } = compiled(template("tracker"));
    const member = { sub: "mia", org_id: "org-a", org_role: "member" };
    const admin = { sub: "ada", org_id: "org-a", org_role: "admin" };
    const outsider = { sub: "otto", org_id: "org-b", org_role: "owner" };
    beforeAll(async () => {
      await resetBundleSchemas(db);
      await apply(bundle, db);
    });
    const seeded = <T>(fn: (tx: Session) => Promise<T>) =>
      inRolledBackTransaction(db, async (tx) => {
        await tx.query(`insert into public."projects" ("id", "organization_id", "name") values ($1, 'org-a', 'A'), ($2, 'org-b', 'B')`, [uuid(1), uuid(2)]);
        await tx.query(`insert into public."tasks" ("id", "project_id", "title", "assignee_id") values ($1, $2, 'a-task', 'mia'), ($3, $4, 'b-task', 'mia')`, [uuid(11), uuid(1), uuid(12), uuid(2)]);
        await tx.query(`insert into public."comments" ("id", "task_id", "author_id", "body") values ($1, $2, 'mia', 'a'), ($3, $4, 'otto', 'b')`, [uuid(21), uuid(11), uuid(22), uuid(12)]);
        return fn(tx);
      });

    it("comments two parents down follow their project's organization", async () => {
      const outcome = await seeded(async (tx) => {
        await signIn(tx, member);
        const seen = (await tx.query<{ body: string }>(`select "body" from public."comments" order by 1`)).rows.map((r) => r.body);
        const into = await sqlstateOf(tx, `insert into public."comments" ("task_id", "author_id", "body") values ($1, 'mia', 'x')`, [uuid(12)]);
        // An admin may change anything about a task, but not move it into another organization's project.
        await signIn(tx, admin);
        const moved = await sqlstateOf(tx, `update public."tasks" set "project_id" = $1 where "id" = $2`, [uuid(2), uuid(11)]);
        await signIn(tx, outsider);
        const deleted = (await tx.query(`delete from public."comments" returning 1`)).rows.length;
        return { seen, into, moved, deleted };
      });
      expect(outcome).toEqual({ seen: ["a"], into: "42501", moved: "42501", deleted: 1 });
    });

    it("a member changes only the status of their own tasks; an admin changes anything", async () => {
      const outcome = await seeded(async (tx) => {
        await signIn(tx, member);
        const status = await sqlstateOf(tx, `update public."tasks" set "status" = 'doing' where "id" = $1`, [uuid(11)]);
        const badStatus = await sqlstateOf(tx, `update public."tasks" set "status" = 'lost' where "id" = $1`, [uuid(11)]);
        const title = await sqlstateOf(tx, `update public."tasks" set "title" = 'mine now' where "id" = $1`, [uuid(11)]);
        await signIn(tx, admin);
        const adminTitle = await sqlstateOf(tx, `update public."tasks" set "title" = 'renamed', "status" = 'lost' where "id" = $1`, [uuid(11)]);
        return { status, badStatus, title, adminTitle };
      });
      expect(outcome).toEqual({ status: null, badStatus: "42501", title: "42501", adminTitle: null });
    });

    it("the child's reference column is indexed and the parent keys are an InitPlan, not a per-row subplan", async () => {
      const plan = await seeded(async (tx) => {
        await signIn(tx, member);
        return (await tx.query<{ "QUERY PLAN": string }>(`explain select * from public."comments"`)).rows.map((r) => r["QUERY PLAN"]).join("\n");
      });
      expect(plan).toMatch(/InitPlan/);
      expect(plan).not.toMatch(/SubPlan/);
      const indexes = await db.query<{ indexdef: string }>(`select indexdef from pg_catalog.pg_indexes where schemaname = 'public' and tablename in ('tasks', 'comments')`);
      expect(indexes.rows.map((r) => r.indexdef).join("\n")).toMatch(/comments_task_id_idx ON public\.comments USING btree \(task_id\)/);
    });
  });
});

describe("shape errors inside a rule list", () => {
  it("name the rule's index and field, not the union", () => {
    const design = template("tracker") as unknown as { tables: { access: { update: { where?: { op: string }[] }[] } }[] };
    design.tables[1].access.update[1].where![0].op = "like";
    const result = validateDesign(design);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]!.path).toBe("tables[1].access.update[1].where[0].op");
  });
});
