import { describe, expect, it } from "vitest";
import type { ApplyEvent } from "@/lib/apply/client";
import { formatDuration, progressRows } from "./progress";

const timed = (events: ApplyEvent[]) => events.map((event, i) => ({ event, at: i * 100 }));

describe("the progress list", () => {
  const events: ApplyEvent[] = [
    { step: "connect", status: "running", detail: "opening the embedded database" },
    { step: "connect", status: "done", detail: "opened PGlite in /tmp/x" },
    { step: "plan", status: "running", detail: "reading the migration ledger" },
    { step: "plan", status: "done", detail: "2 of 2 migrations to apply" },
    { step: "migration", status: "running", detail: "applying 2 migrations in one transaction" },
    { step: "stand-in", status: "running", detail: "installing a local stand-in" },
    { step: "migration", status: "running", detail: "migration 1 of 2: 0000_setup", index: 1, total: 2 },
    { step: "migration", status: "running", detail: "migration 2 of 2: 0001_tables", index: 2, total: 2 },
    { step: "stand-in", status: "done", detail: "pg_session_jwt is not available: a local stand-in was installed" },
    { step: "migration", status: "done", detail: "applied 2 migrations" },
    { step: "verify", status: "running", detail: "table 1 of 1: todos", index: 1, total: 1 },
    { step: "verify", status: "done", detail: "verified: 1 tables x 8 principals" },
    { step: "done", status: "done", detail: "applied 2 migrations to PGlite in /tmp/x; verified" },
  ];

  it("keeps one row per step, in the order the steps began, each with its newest line", () => {
    const rows = progressRows(timed(events), true);
    expect(rows.map((r) => [r.step, r.status])).toEqual([
      ["connect", "done"],
      ["plan", "done"],
      ["migration", "done"],
      ["stand-in", "done"],
      ["verify", "done"],
      ["done", "done"],
    ]);
    expect(rows.at(-1)?.detail).toMatch(/verified$/);
    expect(rows[0].took).toBe(100);
    expect(rows[2].took).toBe(500);
  });

  it("shows migration k of n while it runs", () => {
    const rows = progressRows(timed(events.slice(0, 8)), false);
    expect(rows.find((r) => r.step === "migration")).toMatchObject({ status: "running", index: 2, total: 2, detail: "migration 2 of 2: 0001_tables" });
    expect(rows.find((r) => r.step === "migration")?.took).toBeUndefined();
  });

  it("marks the steps still running as stopped once the run is over", () => {
    const rows = progressRows(timed(events.slice(0, 7)), true);
    expect(rows.filter((r) => r.status === "stopped").map((r) => r.step)).toEqual(["migration", "stand-in"]);
  });

  it("keeps a failure's details on its step", () => {
    const error = { step: "migration" as const, message: "permission denied for schema public", sqlstate: "42501", fix: "connect as the owner" };
    const rows = progressRows(timed([events[4], { step: "migration", status: "failed", detail: error.message, error }]), true);
    expect(rows).toEqual([{ step: "migration", status: "failed", detail: error.message, error, took: 100 }]);
  });

  it("formats durations", () => {
    expect(formatDuration(420)).toBe("0.4 s");
    expect(formatDuration(12_300)).toBe("12 s");
    expect(formatDuration(65_000)).toBe("1 min 5 s");
  });
});
