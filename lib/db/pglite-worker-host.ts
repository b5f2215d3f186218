import { Worker } from "node:worker_threads";
import { type Database, DatabaseError, DatabaseRestartedError, type QueryOptions, type QueryResult, type Session, toDatabaseError } from "./types";

/**
 * The embedded database in a worker thread (lib/db/pglite-worker.mjs), behind the same Database
 * interface as the in-process PGlite (lib/db/pglite.ts).
 *
 * Why: PGlite runs PostgreSQL as WASM on its thread's event loop and ignores statement_timeout,
 * so a statement that never ends (a recursive CTE without a stop, pg_sleep(1e6)) would freeze the
 * app's whole server. Here it freezes only the worker: a query given a `deadlineMs` that runs
 * over it makes the host terminate the worker, fail that query with SQLSTATE 57014, fail every
 * other request the worker held (57P01), and open the data directory again in a new worker.
 * What was committed is on disk and stays; the open transactions are gone, which is a rollback.
 *
 * Cost: one message each way per statement (measured: ~0.07 ms on top of PGlite's own time).
 */

/** A Database in a worker, which can also give its data directory as an image for other workers to start from. */
export type WorkerDatabase = Database & { image(): Promise<ArrayBuffer> };

export interface WorkerHostOptions {
  /**
   * The deadline of every request that gives none (exec and transactions' BEGIN/COMMIT too): a
   * backstop so that no statement holds the database, and the requests queued behind it, forever.
   */
  readonly defaultDeadlineMs?: number;
  /** Called with each worker started (the first, and one per restart): tests watch them exit. */
  readonly onWorker?: (worker: Worker) => void;
  /** Start from this data directory image (`databaseImage`) rather than an empty database. */
  readonly image?: ArrayBuffer;
  /** Load the extensions schemas use most (citext, pgcrypto, uuid-ossp, hstore, pg_trgm, ltree). */
  readonly contrib?: boolean;
  /**
   * Open the database again after the worker was stopped (the default). Without it, a throwaway
   * database that lost its worker stays lost: every later request fails with the reason it stopped,
   * rather than meeting an empty database that looks like the one it had.
   */
  readonly reopen?: boolean;
}

type Request =
  | { op: "query"; sql: string; params: unknown[]; tx?: number }
  | { op: "exec"; script: string; tx?: number }
  | { op: "begin"; tx: number }
  | { op: "end"; tx: number; commit: boolean }
  | { op: "close" }
  | { op: "image" };

interface PlainError {
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: string;
}

type Answer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: PlainError };

interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** One worker and what it was asked; replaced as a whole when the worker is stopped. */
interface Generation {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  readonly pending: Map<number, Pending>;
  /** Set once the worker is stopped (or died): every later request on it fails at once with this. */
  gone?: DatabaseError;
  /** Whether it opened the database: only then is it replaced at once when it stops (no loop of failing starts). */
  opened: boolean;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

/**
 * Opens the PGlite database in `dataDir` (in memory when null: then a restart loses everything)
 * in a worker thread. The worker holds the process open only while a request is waiting.
 */
export async function openPgliteWorker(dataDir: string | null, location: string, options: WorkerHostOptions = {}): Promise<WorkerDatabase> {
  let nextId = 0;
  let nextTransaction = 0;
  let closed = false;

  const start = (): Generation => {
    // Written out in full on purpose: Next.js (Turbopack) recognises exactly this form and bundles
    // the script as a worker entry of its own (with PGlite's WASM), for next dev and next build;
    // tsx and vitest run the file beside this one. A path in a variable, instead, makes Turbopack
    // treat every file of the project as a possible worker, and the build fails.
    const worker = new Worker(new URL("./pglite-worker.mjs", import.meta.url), { workerData: { dataDir, image: options.image, contrib: options.contrib } });
    options.onWorker?.(worker);
    const pending = new Map<number, Pending>();
    let failStart!: (error: DatabaseError) => void;
    const generation: Generation = {
      worker,
      pending,
      opened: false,
      ready: new Promise<void>((resolve, reject) => {
        failStart = reject;
        worker.once("message", (first: { ready: boolean; error?: PlainError }) => {
          if (first.ready) resolve();
          else reject(toDatabaseError(first.error, `could not open the PGlite database in ${location}`));
        });
      }),
    };
    generation.ready.then(
      () => {
        generation.opened = true;
        if (pending.size === 0) worker.unref();
      },
      (error: DatabaseError) => {
        // Reported to the requests that waited for it; the next request tries again.
        if (generation.gone) return;
        generation.gone = error;
        if (current === generation) current = null;
        void worker.terminate().catch(() => {});
      },
    );
    worker.on("message", (answer: Answer | { ready: boolean }) => {
      if (!("id" in answer)) return;
      const waiting = pending.get(answer.id);
      if (!waiting) return;
      pending.delete(answer.id);
      if (pending.size === 0) worker.unref();
      if (answer.ok) waiting.resolve(answer.value);
      else waiting.reject(toDatabaseError(answer.error));
    });
    const died = (why: string) => {
      if (generation.gone) return;
      const reason = new DatabaseRestartedError(`the embedded database stopped (${why}); it is opened again for the next request, nothing uncommitted was kept`, { sqlstate: "57P01" });
      // Before it was ready (the script failed to load): the requests waiting for it fail too.
      failStart(reason);
      stop(generation, reason);
    };
    worker.on("error", (error) => died(error.message));
    worker.on("exit", (code) => died(`its thread exited with code ${code}`));
    return generation;
  };

  /** Stops `generation`'s worker and fails what it held; the next request opens the data directory again. */
  const stop = (generation: Generation, reason: DatabaseError, first?: { id: number; error: DatabaseError }) => {
    generation.gone = reason;
    if (options.reopen === false) lost ??= first?.error ?? reason;
    if (current === generation) current = null;
    // The new worker opens the files once the old one has stopped writing them; it starts now,
    // not at the next request, so that request does not wait for the reopening as well.
    stopping = generation.worker.terminate().then(
      () => {
        if (!closed && current === null && generation.opened && options.reopen !== false) current = start();
      },
      () => {},
    );
    for (const [id, waiting] of generation.pending) waiting.reject(first && first.id === id ? first.error : reason);
    generation.pending.clear();
  };

  let current: Generation | null = start();
  let stopping: Promise<void> = Promise.resolve();

  /** Why a database that is not opened again lost its worker. */
  let lost: DatabaseError | undefined;
  const live = async (): Promise<Generation> => {
    await stopping;
    if (closed) throw new DatabaseError(`${location} is closed`);
    if (lost) throw lost;
    return (current ??= start());
  };

  const send = async <T>(generation: Generation, request: Request, deadlineMs?: number): Promise<T> => {
    await generation.ready;
    if (generation.gone) throw generation.gone;
    if (generation.pending.size === 0) generation.worker.ref();
    const id = ++nextId;
    const answer = new Promise<T>((resolve, reject) => {
      generation.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
    generation.worker.postMessage({ id, ...request });
    if (deadlineMs === undefined) return answer;
    const timer = setTimeout(() => {
      const timedOut = new DatabaseRestartedError(
        `canceling statement due to statement timeout: it ran over ${seconds(deadlineMs)}; ${options.reopen === false ? `${location} was stopped` : "the embedded database was restarted, nothing the statement did was kept"}`,
        { sqlstate: "57014" },
      );
      const others = new DatabaseRestartedError(
        `the embedded database was restarted because a statement ran over its ${seconds(deadlineMs)} deadline; this request was stopped, and its transaction (if any) rolled back`,
        { sqlstate: "57P01" },
      );
      stop(generation, others, { id, error: timedOut });
    }, deadlineMs);
    try {
      return await answer;
    } finally {
      clearTimeout(timer);
    }
  };

  /**
   * `transaction`: statements go to that transaction in its worker. Once one of them fails
   * because the worker was stopped, the later ones (the ROLLBACK TO of a finally block) fail at
   * once with the same error, so the caller sees why (57014) rather than "restarted" (57P01).
   */
  const sessionOn = (pick: () => Promise<Generation>, transaction?: { id: number; lost?: DatabaseRestartedError }): Session => {
    const tx = transaction ? { tx: transaction.id } : {};
    const run = async <T>(request: Request, deadlineMs = options.defaultDeadlineMs): Promise<T> => {
      if (transaction?.lost) throw transaction.lost;
      try {
        return await send<T>(await pick(), request, deadlineMs);
      } catch (error) {
        if (transaction && error instanceof DatabaseRestartedError) transaction.lost ??= error;
        throw error;
      }
    };
    return {
      async query<R = Record<string, unknown>>(sql: string, params: unknown[] = [], queryOptions: QueryOptions = {}): Promise<QueryResult<R>> {
        return run<QueryResult<R>>({ op: "query", sql, params, ...tx }, queryOptions.deadlineMs);
      },
      async exec(script: string): Promise<void> {
        await run({ op: "exec", script, ...tx });
      },
    };
  };

  const database: WorkerDatabase = {
    kind: "pglite",
    location,
    ...sessionOn(live),
    async transaction<T>(fn: (tx: Session) => Promise<T>): Promise<T> {
      const generation = await live();
      const tx = ++nextTransaction;
      await send(generation, { op: "begin", tx }, options.defaultDeadlineMs);
      // The transaction lives in this worker only: after a restart its statements fail at once.
      const inside = sessionOn(async () => generation, { id: tx });
      let result: T;
      try {
        result = await fn(inside);
      } catch (error) {
        // A worker that was stopped took the transaction with it: that is the rollback.
        if (!generation.gone) await send(generation, { op: "end", tx, commit: false }, options.defaultDeadlineMs).catch(() => {});
        throw error;
      }
      await send(generation, { op: "end", tx, commit: true }, options.defaultDeadlineMs);
      return result;
    },
    async image(): Promise<ArrayBuffer> {
      return send<ArrayBuffer>(await live(), { op: "image" }, options.defaultDeadlineMs);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await stopping;
      const generation = current;
      current = null;
      if (!generation || generation.gone) return;
      try {
        await send(generation, { op: "close" });
      } catch {
        // Not opened, or stopped meanwhile: nothing to flush.
      }
      generation.gone = new DatabaseError(`${location} is closed`);
      await generation.worker.terminate();
    },
  };

  try {
    await current.ready;
  } catch (error) {
    closed = true;
    throw error;
  }
  return database;
}
