import { beforeAll, describe, expect, it } from "vitest";
import { template } from "../design";
import { apply } from "../db";
import { leaseEmbedded } from "../apply/embedded";
import { serverEnvironment } from "../apply/server";
import { compiledDesign, withThrowawayEmbedded } from "../apply/test-helpers";
import { handlePlaygroundRun, handlePlaygroundView } from "./handler";

const ORIGIN = "http://localhost:3210";
const post = (path: string, body: unknown) =>
  new Request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { host: "localhost:3210", origin: ORIGIN, "sec-fetch-site": "same-origin", "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const DEADLINE_MS = 500;
const options = { deadlineMs: DEADLINE_MS };
const design = template("todos");
const userA = { kind: "verify", name: "user A" } as const;
const REAL_ROW = "committed before the runaway";

interface RunAnswer {
  ok: boolean;
  result: { ok: boolean; sqlstate?: string; message?: string; rows?: Record<string, unknown>[] };
}
const run = async (sql: string) => (await (await handlePlaygroundRun(post("/api/playground/run", { design, principal: userA, sql }), serverEnvironment(), options)).json()) as RunAnswer;

/** What the embedded database holds outside the playground, read through the server's own lease. */
async function committedTasks(): Promise<string[]> {
  const lease = await leaseEmbedded();
  try {
    return (await lease.db.query<{ task: string }>("SELECT task FROM public.todos ORDER BY task")).rows.map((r) => r.task);
  } finally {
    await lease.release();
  }
}

describe("a playground statement that never ends, on the server's embedded database", () => {
  withThrowawayEmbedded("rlsd-playground-deadline-");
  beforeAll(async () => {
    const lease = await leaseEmbedded();
    try {
      await apply(compiledDesign("todos").bundle, lease.db);
      await lease.db.query("INSERT INTO public.todos (task, user_id) VALUES ($1, gen_random_uuid())", [REAL_ROW]);
    } finally {
      await lease.release();
    }
  });

  it.each([
    ["a recursive CTE without a stop", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n FROM r) SELECT count(*) FROM r"],
    ["pg_sleep", "select pg_sleep(1e6)"],
  ])("%s: stopped at the deadline with 57014; the next requests are answered and the committed row is kept", async (_name, sql) => {
    const started = Date.now();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    const runaway = run(sql);
    // Queued behind the runaway for the embedded database: answered once it is stopped.
    const queued = handlePlaygroundView(post("/api/playground/view", { design, principal: userA }), serverEnvironment(), options);
    const answer = await runaway;
    const elapsed = Date.now() - started;
    clearInterval(timer);

    expect(answer.ok).toBe(true);
    expect(answer.result).toMatchObject({ ok: false, sqlstate: "57014" });
    expect(answer.result.message).toMatch(/canceling statement due to statement timeout: it ran over 0\.5 s; the embedded database was restarted, nothing .* was kept/);
    expect(elapsed).toBeLessThan(DEADLINE_MS + 3000);
    // The server's event loop kept running while the statement did.
    expect(ticks).toBeGreaterThan(DEADLINE_MS / 20 / 2);

    const view = (await (await queued).json()) as { ok: boolean; view: { tables: { rows: unknown[] }[] } };
    expect(view.ok).toBe(true);
    expect(view.view.tables[0].rows.length).toBeGreaterThan(0);
    expect(await run("select 1 as one")).toMatchObject({ ok: true, result: { ok: true, rows: [{ one: 1 }] } });
    expect(await committedTasks()).toEqual([REAL_ROW]);
  });
});
