import type { NeonSocketOptions } from "./neon-serverless";
import { type Database, DatabaseError, toDatabaseError } from "./types";

/** Where the command line keeps its embedded database, relative to the working directory. */
export const DEFAULT_PGLITE_DIR = ".data/pglite";

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

export type PostgresDriver = "pg" | "neon-serverless";

export interface OpenOptions {
  url?: string;
  dataDir?: string;
  /** For a `url`: which driver; by default the Neon serverless driver for `*.neon.tech` hosts, `pg` otherwise. */
  driver?: PostgresDriver;
  /** For the Neon serverless driver: how its WebSocket reaches the database. */
  neon?: NeonSocketOptions;
}

/** The driver `openDatabase` picks for a URL when none is asked for. */
export function driverFor(url: string): PostgresDriver {
  try {
    return /(^|\.)neon\.tech$/i.test(new URL(url).hostname) ? "neon-serverless" : "pg";
  } catch {
    return "pg";
  }
}

/**
 * `url`: a PostgreSQL server through `pg`, or through `@neondatabase/serverless` (see `driver`).
 * Otherwise PGlite: persisted in `dataDir` (created when missing), or in memory when no `dataDir` is given.
 * Drivers are imported on demand so PGlite-only callers never load `pg`, and the reverse.
 */
export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url !== undefined && opts.dataDir !== undefined) {
    throw new DatabaseError("give either a PostgreSQL URL or a PGlite data directory, not both");
  }
  if (opts.url !== undefined) {
    if (!POSTGRES_URL.test(opts.url)) {
      throw new DatabaseError("the database URL must start with postgres:// or postgresql://");
    }
    if ((opts.driver ?? driverFor(opts.url)) === "neon-serverless") {
      const { openNeonServerless } = await import("./neon-serverless");
      return openNeonServerless(opts.url, opts.neon);
    }
    const { openPostgres } = await import("./postgres");
    return openPostgres(opts.url);
  }
  return openPglite(opts.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  const [{ PGlite }, { wrapPglite }] = await Promise.all([import("@electric-sql/pglite"), import("./pglite")]);
  if (dataDir === undefined) {
    return wrapPglite(await PGlite.create(), "in-memory PGlite");
  }
  const [{ mkdir }, { resolve }] = await Promise.all([import("node:fs/promises"), import("node:path")]);
  const location = resolve(dataDir);
  try {
    await mkdir(location, { recursive: true });
    return wrapPglite(await PGlite.create(location), `PGlite in ${location}`);
  } catch (error) {
    throw toDatabaseError(error, `could not open the PGlite database in ${location}`);
  }
}
