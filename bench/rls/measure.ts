import { performance } from "node:perf_hooks";
import type { Client } from "pg";
import type { BenchCase, Query } from "./cases";
import { asSignedIn, asSuperuser } from "./session";

export interface Timing {
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly runs: number;
}

export interface Measured {
  readonly rls: Timing;
  readonly handWritten: Timing;
  readonly rows: number;
}

/** Fast queries get many runs for a stable median; the naive seq-scan shapes (~1 s) get few, to keep the run short. */
const FAST = { warmups: 5, runs: 40 } as const;
const SLOW = { warmups: 1, runs: 8 } as const;
const SLOW_MS = 50;

interface Sample {
  readonly ms: number;
  readonly ids: readonly string[];
}

/** Times only the SELECT's round trip (planning, execution, transfer and parsing of the rows). */
async function timeSelect(client: Client, query: Query): Promise<Sample> {
  const start = performance.now();
  const result = await client.query<{ id: string }>(query.sql, [...query.params]);
  const ms = performance.now() - start;
  return { ms, ids: result.rows.map((r) => r.id) };
}

function rlsSample(client: Client, kase: BenchCase): Promise<Sample> {
  return asSignedIn(client, kase.claims, () => timeSelect(client, kase.rls));
}

function handWrittenSample(client: Client, kase: BenchCase): Promise<Sample> {
  return asSuperuser(client, () => timeSelect(client, kase.handWritten));
}

/** Both sides must return the very same rows, or the comparison means nothing. */
function assertSameRows(kase: BenchCase, rls: Sample, hand: Sample): void {
  const a = [...rls.ids].sort();
  const b = [...hand.ids].sort();
  if (a.length === 0 || a.length !== b.length || a.some((id, i) => id !== b[i])) {
    throw new Error(
      `${kase.shape}: RLS returned ${a.length} rows, the hand-written query ${b.length}` +
        (a.length === b.length && a.length > 0 ? " (different rows)" : ""),
    );
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Nearest-rank p95. */
export function p95(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil(0.95 * s.length) - 1)];
}

function timing(xs: readonly number[]): Timing {
  return { medianMs: median(xs), p95Ms: p95(xs), runs: xs.length };
}

/**
 * Warm-up, then timed runs. The RLS and hand-written queries alternate (and swap which goes
 * first every run), so drift in the machine's load hits both sides alike.
 */
export async function measure(client: Client, kase: BenchCase): Promise<Measured> {
  const first = [await rlsSample(client, kase), await handWrittenSample(client, kase)] as const;
  assertSameRows(kase, ...first);
  const plan = Math.max(first[0].ms, first[1].ms) > SLOW_MS ? SLOW : FAST;
  for (let i = 1; i < plan.warmups; i++) {
    await rlsSample(client, kase);
    await handWrittenSample(client, kase);
  }
  const rls: number[] = [];
  const hand: number[] = [];
  for (let i = 0; i < plan.runs; i++) {
    const order = i % 2 === 0 ? ([rlsSample, handWrittenSample] as const) : ([handWrittenSample, rlsSample] as const);
    const [x, y] = [await order[0](client, kase), await order[1](client, kase)];
    const [r, h] = i % 2 === 0 ? [x, y] : [y, x];
    if (r.ids.length !== h.ids.length) assertSameRows(kase, r, h);
    rls.push(r.ms);
    hand.push(h.ms);
  }
  return { rls: timing(rls), handWritten: timing(hand), rows: first[0].ids.length };
}
