import { describe, expect, it } from "vitest";
import { compileDesign } from "../compiler";
import { quoteIdent, template } from "../design";
import { apply } from "../db";
import { asNonSuperuserOwner } from "../db/test-databases";
import { formatReport, verifyBundle, type VerifyReport } from ".";

const adminUrl = process.env.DATABASE_URL;

/** As on Neon: the project's owner may create roles and owns the database, but is no superuser. */
describe.skipIf(!adminUrl)("as a database owner who is not a superuser", () => {
  it("applies and verifies, in batches and, without the TEMP privilege, statement by statement", async () => {
    await asNonSuperuserOwner(adminUrl!, async (db, role) => {
      const result = compileDesign(template("saas"));
      if (!result.ok) throw new Error("template invalid");
      await apply(result.bundle, db);
      const report = await verifyBundle(result.model, result.bundle, db);
      expect(report.mismatches, formatReport(report)).toEqual([]);
      // Without TEMP the batch function cannot be created: verify runs each check alone, to the same report.
      const name = (await db.query<{ d: string }>("select current_database() as d")).rows[0].d;
      await db.query(`REVOKE TEMPORARY ON DATABASE ${quoteIdent(name)} FROM PUBLIC, ${quoteIdent(role)}`);
      await expect(db.query("CREATE TEMP TABLE rlsd_probe (x integer)")).rejects.toThrow(/permission denied/);
      const alone = await verifyBundle(result.model, result.bundle, db);
      const same = (r: VerifyReport) => ({ ...r, checks: 0 });
      expect(same(alone)).toEqual(same(report));
    });
  }, 120_000);
});
