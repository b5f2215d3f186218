import type { Database, Session } from "./types";

class RollbackOnPurpose extends Error {}

/**
 * Runs `fn` in a transaction that is always rolled back, and returns what `fn` returned: how
 * verify, explain and the tests look at a database without changing it.
 */
export async function inRolledBackTransaction<T>(db: Database, fn: (tx: Session) => Promise<T>): Promise<T> {
  let result: { value: T } | null = null;
  try {
    await db.transaction(async (tx) => {
      result = { value: await fn(tx) };
      throw new RollbackOnPurpose();
    });
  } catch (error) {
    if (!(error instanceof RollbackOnPurpose)) throw error;
  }
  return result!.value;
}
