// The embedded database's own thread (a Node worker_threads worker started by pglite-worker-host.ts).
// PGlite runs PostgreSQL as WASM on the event loop of the thread that opened it, and it ignores
// statement_timeout: a statement that never ends can only be stopped by stopping that thread.
// Hosting PGlite here lets the app's server do that (Worker.terminate) and stay responsive.
//
// Plain JavaScript on purpose: tsx and vitest have Node run this file as it is, from lib/db/,
// without a TypeScript loader in the worker; next dev and next build bundle it as a worker entry
// (Turbopack recognises `new Worker(new URL("./pglite-worker.mjs", import.meta.url))`).
//
// Protocol (each request has an `id`; each answer repeats it):
//   { op: "query", sql, params, tx? } -> { ok: true, value: { rows, rowCount } }
//   { op: "exec", script, tx? }       -> { ok: true }
//   { op: "begin", tx }               -> { ok: true } once BEGIN ran
//   { op: "end", tx, commit }         -> { ok: true } after COMMIT (or ROLLBACK when !commit)
//   { op: "close" }                   -> { ok: true } after PGlite closed
//   { op: "image" }                   -> { ok: true, value: ArrayBuffer } the data directory as a tarball
//                                        (PGlite's dumpDataDir), for other workers to start from
//   failures: { ok: false, error: { message, code, detail, hint, position } }
// At start the worker posts { ready: true } or { ready: false, error }.
import { parentPort, workerData } from "node:worker_threads";

const INT8_OID = 20;
// As lib/db/pglite.ts: int8 comes back as text, never rounded into a number.
const QUERY_OPTIONS = { parsers: { [INT8_OID]: (value) => value } };

/** Thrown inside PGlite's transaction callback to make it roll back; never leaves this file. */
const ROLLBACK = Symbol("rollback");

function plainError(error) {
  if (typeof error !== "object" || error === null) return { message: String(error) };
  const pick = (key) => (typeof error[key] === "string" && error[key] !== "" ? error[key] : undefined);
  return { message: pick("message") ?? String(error), code: pick("code"), detail: pick("detail"), hint: pick("hint"), position: pick("position") };
}

/** Open transactions by the host's id: the Transaction PGlite lends its callback, and how to end it. */
const transactions = new Map();

async function begin(db, id) {
  let decide;
  const decided = new Promise((resolve) => (decide = resolve));
  let lend;
  const lent = new Promise((resolve) => (lend = resolve));
  const done = db.transaction(async (tx) => {
    lend(tx);
    if (!(await decided)) throw ROLLBACK;
  });
  // BEGIN may fail before the callback runs: then `done` rejects and nothing is lent.
  const tx = await Promise.race([lent, done.then(() => null)]);
  transactions.set(id, { tx, decide, done });
}

async function end(id, commit) {
  const open = transactions.get(id);
  if (!open) throw new Error(`no open transaction ${id}`);
  transactions.delete(id);
  open.decide(commit);
  try {
    await open.done;
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
}

function runnerFor(db, tx) {
  if (tx === undefined) return db;
  const open = transactions.get(tx);
  if (!open) throw new Error(`no open transaction ${tx}`);
  return open.tx;
}

async function handle(db, message) {
  switch (message.op) {
    case "query": {
      const result = await runnerFor(db, message.tx).query(message.sql, message.params, QUERY_OPTIONS);
      return { rows: result.rows, rowCount: result.rowCount ?? result.affectedRows ?? 0 };
    }
    case "exec":
      await runnerFor(db, message.tx).exec(message.script, QUERY_OPTIONS);
      return undefined;
    case "begin":
      return begin(db, message.tx);
    case "end":
      return end(message.tx, message.commit);
    case "image":
      return (await db.dumpDataDir("none")).arrayBuffer();
    case "close":
      if (!db.closed) await db.close();
      return undefined;
    default:
      throw new Error(`unknown request ${String(message.op)}`);
  }
}

async function contribExtensions() {
  const [{ citext }, { pgcrypto }, { uuid_ossp }, { hstore }, { pg_trgm }, { ltree }] = await Promise.all([
    import("@electric-sql/pglite/contrib/citext"),
    import("@electric-sql/pglite/contrib/pgcrypto"),
    import("@electric-sql/pglite/contrib/uuid_ossp"),
    import("@electric-sql/pglite/contrib/hstore"),
    import("@electric-sql/pglite/contrib/pg_trgm"),
    import("@electric-sql/pglite/contrib/ltree"),
  ]);
  return { citext, pgcrypto, uuid_ossp, hstore, pg_trgm, ltree };
}

try {
  const { PGlite } = await import("@electric-sql/pglite");
  // workerData: { dataDir } (null: in memory), `image` (an ArrayBuffer from "image" to start from),
  // `contrib` (load the extensions schemas use most, as lib/import/dump.ts needs).
  const options = {};
  if (workerData.contrib) options.extensions = await contribExtensions();
  if (workerData.image) options.loadDataDir = new Blob([workerData.image]);
  const db = workerData.dataDir ? await PGlite.create(workerData.dataDir, options) : await PGlite.create(options);
  parentPort.on("message", (message) => {
    handle(db, message).then(
      (value) => parentPort.postMessage({ id: message.id, ok: true, value }),
      (error) => parentPort.postMessage({ id: message.id, ok: false, error: plainError(error) }),
    );
  });
  parentPort.postMessage({ ready: true });
} catch (error) {
  parentPort.postMessage({ ready: false, error: plainError(error) });
}
