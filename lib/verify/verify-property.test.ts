import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { compileDesign } from "../compiler";
import { TARGETS, type Design } from "../design";
import type { Database } from "../db";
import { testDatabases } from "../db/test-databases";
import { arbitraryDesignFor } from "../testing/arbitrary-design";
import { PROPERTY_RUNS } from "../testing/sizes";
import { formatReport, verifyBundle } from ".";

function compiled(design: Design) {
  const result = compileDesign(design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result;
}

// Its own file so that vitest runs it beside verify.test.ts's templates, not after them.
describe.each(testDatabases())("verify of random designs on $name", ({ name, open }) => {
  let db: Database;
  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it.each(TARGETS)(
    "finds zero mismatches for random valid designs on target %s (property)",
    async (target) => {
      await fc.assert(
        fc.asyncProperty(arbitraryDesignFor(target), async (design) => {
          const { model, bundle } = compiled(design);
          const report = await verifyBundle(model, bundle, db);
          if (!report.ok) throw new Error(`${JSON.stringify(design)}\n${formatReport(report)}`);
        }),
        { numRuns: PROPERTY_RUNS[name], endOnFailure: true },
      );
    },
    1_200_000,
  );
});
