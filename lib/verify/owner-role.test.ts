import { randomUUID } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { compileDesign } from "../compiler";
import { template } from "../design";
import { apply, openDatabase } from "../db";
import { formatReport, verifyBundle } from ".";

const adminUrl = process.env.DATABASE_URL;

/** As on Neon: the project's owner may create roles and owns the database, but is no superuser. */
describe.skipIf(!adminUrl)("as a database owner who is not a superuser", () => {
  it("applies and verifies", async () => {
    const suffix = randomUUID().replaceAll("-", "").slice(0, 12);
    const role = `rlsd_owner_${suffix}`;
    const database = `rlsd_owner_db_${suffix}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE "${role}" LOGIN CREATEROLE`);
      await admin.query(`CREATE DATABASE "${database}" OWNER "${role}"`);
      const url = new URL(adminUrl!);
      url.username = role;
      url.pathname = `/${database}`;
      const db = await openDatabase({ url: url.toString() });
      try {
        const { model, bundle } = (() => {
          const result = compileDesign(template("saas"));
          if (!result.ok) throw new Error("template invalid");
          return result;
        })();
        await apply(bundle, db);
        const report = await verifyBundle(model, bundle, db);
        expect(report.mismatches, formatReport(report)).toEqual([]);
      } finally {
        await db.close();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await admin.query(`DROP OWNED BY "${role}" CASCADE`).catch(() => undefined);
      await admin.query(`DROP ROLE IF EXISTS "${role}"`);
      await admin.end();
    }
  }, 120_000);
});
