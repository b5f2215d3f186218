import { resolve } from "node:path";
import { DEFAULT_PGLITE_DIR, emptyEmbeddedDatabase, openDatabase, type Database } from "../db";
import type { Lease } from "./workflow";

/**
 * The server's embedded database: one PGlite per data directory per process, kept open, used by
 * one run at a time (a plan or an apply holds it until it is done). Kept on globalThis so that
 * Next.js's module reloading in development does not open a second PGlite on the same files.
 */
interface Shared {
  db?: Promise<Database>;
  /** Settles when the run before the last one to queue has released it. */
  queue: Promise<void>;
}

const KEY = Symbol.for("rls-designer.embedded-databases");
const registry = ((globalThis as Record<symbol, unknown>)[KEY] ??= new Map<string, Shared>()) as Map<string, Shared>;

/** `.data/pglite` in the working directory, as for the command line; RLSD_PGLITE_DIR moves it. */
export function embeddedDataDir(): string {
  return resolve(process.env.RLSD_PGLITE_DIR ?? DEFAULT_PGLITE_DIR);
}

/** Waits for the embedded database to be free, then lends it; release() lets the next run have it. */
export async function leaseEmbedded(dataDir = embeddedDataDir()): Promise<Lease> {
  let shared = registry.get(dataDir);
  if (!shared) registry.set(dataDir, (shared = { queue: Promise.resolve() }));
  let release!: () => void;
  const mine = new Promise<void>((done) => (release = done));
  const before = shared.queue;
  shared.queue = before.then(() => mine);
  await before;
  try {
    const entry = shared;
    entry.db ??= openDatabase({ dataDir }).catch((error: unknown) => {
      entry.db = undefined;
      throw error;
    });
    const db = await entry.db;
    let released = false;
    return {
      db,
      async release() {
        if (released) return;
        released = true;
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** Closes the embedded databases this process opened (tests; a server lets them go with the process). */
export async function closeEmbedded(): Promise<void> {
  for (const [dir, shared] of registry) {
    registry.delete(dir);
    await shared.queue;
    const db = await shared.db?.catch(() => undefined);
    await db?.close();
  }
}

/** Drops every schema the bundles created in the embedded database; returns their names. */
export async function emptyEmbedded(dataDir = embeddedDataDir()): Promise<string[]> {
  const lease = await leaseEmbedded(dataDir);
  try {
    return await emptyEmbeddedDatabase(lease.db);
  } finally {
    await lease.release();
  }
}
