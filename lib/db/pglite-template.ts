import { PGlite } from "@electric-sql/pglite";
import { wrapPglite } from "./pglite";
import type { Database } from "./types";

// A cold PGlite.create() runs initdb (~3 s); cloning a ready one takes ~0.5 s. The template
// lives as long as the process (one per test worker) and is never handed out itself.
let template: Promise<PGlite> | undefined;

/** For tests: a new, empty in-memory PGlite database, cloned from one made once per process. */
export async function freshPglite(): Promise<Database> {
  template ??= PGlite.create().catch((error: unknown) => {
    template = undefined;
    throw error;
  });
  const clone = await (await template).clone();
  return wrapPglite(clone, "in-memory PGlite (test clone)");
}
