import type { Client } from "pg";
import type { BenchCase, Claims } from "./cases";

/**
 * Runs `run` as the signed-in role, the way the Data API and the project's tests do: inside one
 * transaction, `set_config(..., true)` (a parameterisable SET LOCAL), so nothing leaks to the
 * next transaction on this connection.
 */
export async function asSignedIn<T>(client: Client, claims: Claims, run: () => Promise<T>): Promise<T> {
  return inTransaction(client, async () => {
    await client.query("SELECT set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)", [
      JSON.stringify(claims),
    ]);
    return run();
  });
}

/** The superuser bypasses RLS; a transaction too, so both sides pay the same BEGIN/COMMIT shape. */
export function asSuperuser<T>(client: Client, run: () => Promise<T>): Promise<T> {
  return inTransaction(client, run);
}

async function inTransaction<T>(client: Client, run: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    const result = await run();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

/**
 * For the naive shapes: swaps the generated firewall's USING for the naive expression on the same
 * table and rows (no second 1,000,000-row copy to load), and puts the generated one back after.
 * ALTER POLICY keeps the policy RESTRICTIVE; with the table's permissive `USING (true)` select
 * policy the quals are the same as drizzle's `crudPolicy({ read: authUid(...) })` would give.
 */
export async function withFirewall<T>(client: Client, kase: BenchCase, run: () => Promise<T>): Promise<T> {
  const swap = kase.firewall;
  if (!swap) return run();
  const { rows } = await client.query<{ qual: string }>(
    "SELECT qual FROM pg_catalog.pg_policies WHERE schemaname = 'public' AND tablename = $1 AND policyname = $2",
    [swap.table, swap.policy],
  );
  if (rows.length !== 1) throw new Error(`no policy ${swap.policy} on ${swap.table}`);
  const alter = (using: string) => client.query(`ALTER POLICY "${swap.policy}" ON public."${swap.table}" USING (${using})`);
  await alter(swap.using);
  try {
    return await run();
  } finally {
    await alter(rows[0].qual);
  }
}
