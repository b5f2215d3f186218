import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { DEFAULT_PGLITE_DIR, emptyEmbeddedDatabase, type Database } from "../db";
import { openPgliteWorker } from "../db/pglite-worker-host";
import { toDatabaseError } from "../db/types";
import type { Lease } from "./workflow";

/**
 * The server's embedded database: one PGlite per data directory per process, kept open, used by
 * one run at a time (a plan or an apply holds it until it is done). Kept on globalThis so that
 * Next.js's module reloading in development does not open a second PGlite on the same files.
 * PGlite runs in a worker thread (lib/db/pglite-worker-host.ts), so that a statement given a
 * deadline (the playground's) that runs over it is stopped without freezing the server.
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
    entry.db ??= openEmbedded(dataDir).catch((error: unknown) => {
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

/**
 * How long any one statement may hold the server's embedded database when it names no deadline
 * of its own (apply, verify, explain): far above what they take (verify's largest call, a few
 * hundred checks, takes well under a second), so it only ends one that would never end, such
 * as a trigger or function of the database's own that loops, which would otherwise keep every
 * later request to the embedded database waiting.
 */
export const EMBEDDED_DEADLINE_MS = 120_000;

async function openEmbedded(dataDir: string): Promise<Database> {
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    throw toDatabaseError(error, `could not open the PGlite database in ${dataDir}`);
  }
  return openPgliteWorker(dataDir, `PGlite in ${dataDir}`, { defaultDeadlineMs: EMBEDDED_DEADLINE_MS });
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
