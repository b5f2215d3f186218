import { describe, expect, it } from "vitest";
import { displayLocations, Redactor } from "./redact";

describe("Redactor", () => {
  it("hides the secrets it knows, wherever they appear, and the password inside a connection string", () => {
    const url = "postgresql://neondb_owner:npg_Abc123xyz@ep-x.aws.neon.tech/neondb?sslmode=require";
    const redactor = new Redactor([url, "key-0123456789abcdef"]);
    const text = `could not reach ${url}; ${encodeURIComponent("key-0123456789abcdef")} key-0123456789abcdef, password npg_Abc123xyz`;
    const out = redactor.redact(text);
    expect(out).not.toContain("Abc123xyz");
    expect(out).not.toContain("0123456789abcdef");
  });

  it("keeps a connection string's address readable and hides only its passwords", () => {
    const noPassword = "postgres://postgres@127.0.0.1:5432/app";
    expect(new Redactor([noPassword]).redact(`applied to ${noPassword}`)).toBe(`applied to ${noPassword}`);
    const withPasswords = "postgres://me:hunter22@db.example.com/app?sslpassword=keyPass99";
    const out = new Redactor([withPasswords]).redact(`could not reach ${withPasswords} hunter22 keyPass99`);
    expect(out).toBe("could not reach postgres://me:***@db.example.com/app?sslpassword=*** *** ***");
    expect(displayLocations(out)).toBe("could not reach me@db.example.com/app *** ***");
  });

  it("hides what looks like a secret even when nobody said so", () => {
    const redactor = new Redactor();
    expect(redactor.redact("postgres://me:hunter22@db.example.com:5432/app")).toBe("postgres://me:***@db.example.com:5432/app");
    expect(redactor.redact("host=x password=hunter22 user=me")).toBe("host=x password=*** user=me");
    expect(redactor.redact("Authorization: Bearer abc.def-ghi")).toBe("Authorization: Bearer ***");
    expect(redactor.redact("napi_0123456789abcdef and npg_AbCdEf12")).toBe("napi_*** and npg_***");
  });

  it("redacts every string of an event, and leaves other values", () => {
    const redactor = new Redactor(["sup3r-secret"]);
    const event = { step: "connect", detail: "using sup3r-secret", nested: [{ text: "sup3r-secret!" }], n: 3, ok: true, none: null };
    expect(redactor.redactDeep(event)).toEqual({ step: "connect", detail: "using ***", nested: [{ text: "***!" }], n: 3, ok: true, none: null });
  });

  it("ignores secrets too short to be told from ordinary words", () => {
    expect(new Redactor(["pw", "apply"]).redact("apply with pw")).toBe("apply with pw");
  });
});

describe("displayLocations", () => {
  it("shows a destination as user@host:port/database, the password left out, not masked", () => {
    expect(displayLocations("postgres://postgres:hunter22@127.0.0.1:5432/app")).toBe("postgres@127.0.0.1:5432/app");
    expect(displayLocations("postgres://postgres:***@127.0.0.1:5432/app")).toBe("postgres@127.0.0.1:5432/app");
    expect(displayLocations("applied 4 migrations to postgresql://me:***@db.example.com/app; verified")).toBe("applied 4 migrations to me@db.example.com/app; verified");
    expect(displayLocations("postgres://me@h/db?sslmode=require&password=x")).toBe("me@h/db?sslmode=require");
    expect(displayLocations("PGlite in .data/pglite")).toBe("PGlite in .data/pglite");
  });
});
