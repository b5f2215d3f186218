import { describe, expect, it } from "vitest";
import { compileDesign } from "../compiler";
import { template } from "../design";
import { apply } from "../db";
import { asNonSuperuserOwner } from "../db/test-databases";
import { formatReport, verifyBundle } from ".";

const adminUrl = process.env.DATABASE_URL;

/** As on Neon: the project's owner may create roles and owns the database, but is no superuser. */
describe.skipIf(!adminUrl)("as a database owner who is not a superuser", () => {
  it("applies and verifies", async () => {
    await asNonSuperuserOwner(adminUrl!, async (db) => {
      const result = compileDesign(template("saas"));
      if (!result.ok) throw new Error("template invalid");
      await apply(result.bundle, db);
      const report = await verifyBundle(result.model, result.bundle, db);
      expect(report.mismatches, formatReport(report)).toEqual([]);
    });
  }, 120_000);
});
