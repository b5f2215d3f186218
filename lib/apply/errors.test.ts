import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApplyError, DatabaseError, type Database } from "../db";
import { createPostgresTestDatabase } from "../db/test-databases";
import { NeonApiError } from "../neon";
import { describeFailure } from "./errors";
import { compiledDesign, lend } from "./test-helpers";
import { runApply } from "./workflow";

const adminUrl = process.env.DATABASE_URL;

describe("describeFailure", () => {
  it("names the step, the statement and the SQLSTATE of a failed migration", () => {
    const error = new ApplyError("drizzle/0001_tables.sql, statement 2, failed", {
      file: "drizzle/0001_tables.sql",
      statement: 2,
      statementText: `CREATE TABLE "x" ();`,
      sqlstate: "42P07",
      databaseMessage: `relation "x" already exists`,
    });
    expect(describeFailure("migration", error)).toEqual({
      step: "migration",
      message: `drizzle/0001_tables.sql, statement 2, failed: relation "x" already exists [SQLSTATE 42P07]`,
      sqlstate: "42P07",
      file: "drizzle/0001_tables.sql",
      statementNumber: 2,
      statement: `CREATE TABLE "x" ();`,
      fix: expect.stringMatching(/empty database or a new Neon branch/),
    });
  });

  it.each([
    ["pg_session_jwt is not available on this database", "P0001", /enable the Data API/],
    [`role "authenticated" does not exist`, "42704", /CREATE ROLE "authenticated" NOLOGIN/],
    ["permission denied to create role", "42501", /CREATEROLE/],
    [`permission denied to set role "anonymous"`, "42501", /GRANT "authenticated", "anonymous" TO/],
    ["permission denied for schema public", "42501", /owner of the database/],
    [`password authentication failed for user "me"`, "28P01", /user or password/],
  ])("knows how to fix: %s", (message, sqlstate, fix) => {
    expect(describeFailure("migration", new DatabaseError(message, { sqlstate })).fix).toMatch(fix);
  });

  it("says what to do about the Neon API", () => {
    expect(describeFailure("create-branch", new NeonApiError("create the branch", { status: 401, message: "authorization failed" }))).toMatchObject({
      code: "neon-api",
      message: "Neon API: could not create the branch: HTTP 401: authorization failed",
      fix: expect.stringMatching(/API key/),
    });
    expect(describeFailure("create-branch", new NeonApiError("create the branch", { status: 422, message: "branches limit exceeded" })).fix).toMatch(/limit/);
    expect(describeFailure("create-branch", new NeonApiError("create the branch", { code: "ENOTFOUND", message: "cannot reach the API (ENOTFOUND)" })).fix).toMatch(/network/);
  });
});

describe.skipIf(!adminUrl)("failures from a real server", () => {
  const todos = compiledDesign("todos");
  let db: Database;
  let url: string;
  beforeAll(async () => {
    ({ db, url } = await createPostgresTestDatabase(adminUrl!));
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rlsd_test_limited') THEN CREATE ROLE rlsd_test_limited LOGIN; END IF; END $$`);
    await admin.end();
  });
  afterAll(() => db?.close());

  it("permission denied: connect as the owner", async () => {
    const limited = new URL(url);
    limited.username = "rlsd_test_limited";
    const outcome = await runApply({ ...todos, destination: { kind: "postgres", url: limited.toString() }, mode: "apply" }, lend(db), () => {});
    expect(outcome.error).toMatchObject({ step: "migration", sqlstate: "42501" });
    expect(outcome.error!.fix).toMatch(/owner of the database/);
  });

  it("a database that does not exist", async () => {
    const missing = new URL(url);
    missing.pathname = "/rlsd_no_such_database";
    const outcome = await runApply({ ...todos, destination: { kind: "postgres", url: missing.toString() }, mode: "plan" }, lend(db), () => {});
    expect(outcome.error).toMatchObject({ step: "connect", sqlstate: "3D000" });
    expect(outcome.error!.fix).toMatch(/does not exist/);
  });
});
