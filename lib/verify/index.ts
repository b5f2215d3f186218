import type { Model } from "../design";
import type { Bundle } from "../compiler";
import { applyWithin, type Database } from "../db";
import { verifyModel, type VerifyProgress, type VerifyReport } from "./run";

export { verifyModel } from "./run";
export type { VerifyReport, Cell, Mismatch, VerifyProgress, VerifySession } from "./run";
export { formatReport } from "./report";
export { principalsFor, type Principal } from "./principals";
export { mayDo } from "./oracle";
export { privilegeWarnings, roleOfUrl } from "./privileges";
export { explainBundle, formatExplanation, parseExplainSpec, ExplainError, type ExplainReport } from "./explain";

/** Thrown inside the transaction so that verification leaves the database exactly as it was. */
class RollbackAfterVerify extends Error {}

/**
 * Proves a design in a database: inside one transaction, applies whatever migrations of the
 * bundle the database lacks, runs every check, then rolls everything back.
 */
export async function verifyBundle(
  model: Model,
  bundle: Bundle,
  db: Database,
  onProgress?: (p: VerifyProgress) => void,
  appRoles: readonly string[] = [],
): Promise<VerifyReport> {
  let report: VerifyReport | null = null;
  try {
    await db.transaction(async (tx) => {
      await applyWithin(bundle, tx);
      report = await verifyModel(model, tx, onProgress, appRoles);
      throw new RollbackAfterVerify();
    });
  } catch (error) {
    if (!(error instanceof RollbackAfterVerify)) throw error;
  }
  return report!;
}
