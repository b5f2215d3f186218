import { applyWithin, inRolledBackTransaction, type Bundle, type Database } from "../db";
import type { Model } from "../design";
import { verifyModel, type VerifyProgress, type VerifyReport } from "../verify";

const JOURNAL = "drizzle/meta/_journal.json";

/**
 * The bundle's first migration alone (roles, the auth functions or their local stand-in), so the
 * principals can sign in; none of the design's tables, helpers or policies.
 */
export function setupOnly(bundle: Bundle): Bundle {
  const journal = bundle.find((f) => f.path === JOURNAL);
  if (journal) {
    const parsed = JSON.parse(journal.contents) as { entries: { idx: number; tag: string }[] };
    const first = parsed.entries.filter((e) => e.idx === 0);
    const keep = new Set(first.map((e) => `drizzle/${e.tag}.sql`));
    return [...bundle.filter((f) => keep.has(f.path)), { path: JOURNAL, contents: JSON.stringify({ ...parsed, entries: first }, null, 2) + "\n" }];
  }
  const first = bundle.filter((f) => /^supabase\/migrations\/\d{14}_.+\.sql$/.test(f.path)).sort((a, b) => a.path.localeCompare(b.path))[0];
  return first ? [first] : [];
}

/**
 * Spec §5 and issue 10's "verify what you imported": every principal and operation against the
 * design's meaning, on the database's own policies and grants as they are (before any change).
 * Runs in one transaction that is rolled back; the mismatches are what applying the design changes.
 */
export async function verifyCurrentPolicies(model: Model, bundle: Bundle, db: Database, onProgress?: (p: VerifyProgress) => void): Promise<VerifyReport> {
  return inRolledBackTransaction(db, async (tx) => {
    await applyWithin(setupOnly(bundle), tx);
    return verifyModel(model, tx, onProgress);
  });
}
