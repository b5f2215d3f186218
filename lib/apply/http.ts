import type { z } from "zod";
import { configuredHosts, isAllowedHost } from "./hosts";
import { Redactor } from "./redact";

/** The largest request body the API reads. */
export const MAX_BODY_BYTES = 1_000_000;

export interface Issue {
  /** Where in the request body, e.g. `destination.url` or `design.tables[0].name`. */
  readonly path: string;
  readonly message: string;
}

/** What every failed request answers: a code the UI can test, a sentence, and for 400 the fields at fault. */
export interface ErrorBody {
  readonly ok: false;
  readonly error: { readonly code: string; readonly message: string; readonly issues?: readonly Issue[] };
}

const NO_STORE = { "cache-control": "no-store, no-transform", "x-content-type-options": "nosniff" };

export function jsonResponse(status: number, body: unknown, redactor?: Redactor): Response {
  const text = JSON.stringify(body);
  return new Response(redactor ? redactor.redact(text) : text, { status, headers: { "content-type": "application/json; charset=utf-8", ...NO_STORE } });
}

export function errorResponse(status: number, code: string, message: string, issues?: readonly Issue[], redactor?: Redactor): Response {
  const body: ErrorBody = { ok: false, error: { code, message, ...(issues ? { issues } : {}) } };
  return jsonResponse(status, body, redactor);
}

/**
 * The browser's own page only: a cross-site page could otherwise make the browser spend the
 * user's key or reach their databases. Browsers send Origin with every POST, and Sec-Fetch-Site
 * where they support it; both must say this host, and the host must be one the server answers
 * for (loopback or RLSD_ALLOWED_HOSTS), or a rebinding page would pass. The routes check more
 * before this (the page's token, lib/apply/guard.ts); this is the handlers' own line.
 */
export function isSameOrigin(request: Request): boolean {
  const host = request.headers.get("host") ?? new URL(request.url).host;
  if (!isAllowedHost(host, configuredHosts())) return false;
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") return false;
  const origin = request.headers.get("origin");
  if (origin === null) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

type Parsed<T> = { ok: true; body: T; redactor: Redactor } | { ok: false; response: Response };

/**
 * Checks a JSON POST before anything else happens: same origin (403), JSON (415), at most
 * MAX_BODY_BYTES (413), valid JSON (400), the schema (400 with each field's path). Secrets found
 * in the body are hidden from the answer, even from its error messages.
 */
export async function readRequest<S extends z.ZodType>(request: Request, schema: S, maxBytes = MAX_BODY_BYTES): Promise<Parsed<z.infer<S>>> {
  if (!isSameOrigin(request)) return { ok: false, response: errorResponse(403, "cross-origin", "this API answers the designer's own page only") };
  if (!/^application\/json\b/i.test(request.headers.get("content-type") ?? "")) {
    return { ok: false, response: errorResponse(415, "unsupported-media-type", "send the request body as application/json") };
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return { ok: false, response: tooLarge(maxBytes) };
  const text = await readLimited(request, maxBytes);
  if (text === null) return { ok: false, response: tooLarge(maxBytes) };

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, response: errorResponse(400, "invalid-json", "the request body is not valid JSON") };
  }
  const redactor = new Redactor(secretsIn(json));
  const result = schema.safeParse(json);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message }));
    return { ok: false, response: errorResponse(400, "invalid-request", "the request is not valid", issues, redactor) };
  }
  return { ok: true, body: result.data, redactor };
}

function tooLarge(maxBytes: number): Response {
  return errorResponse(413, "too-large", `the request body is larger than ${Math.round(maxBytes / 1000)} kB`);
}

/** The body as text, or null once it passes `maxBytes` (whatever Content-Length claimed). */
async function readLimited(request: Request, maxBytes: number): Promise<string | null> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** `destination.url`, `design.tables[0].name`. */
export function pathOf(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), "");
}

/** The values of fields that hold secrets, wherever they are in a request body. */
function secretsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) secretsIn(v, found);
  else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if (typeof v === "string" && /^(apikey|url|connectionstring|password)$/i.test(key)) found.push(v);
      else secretsIn(v, found);
    }
  }
  return found;
}

/**
 * Streams events as NDJSON (one JSON object per line) while `run` produces them. A client that
 * goes away stops the stream, not the run: an apply always ends its transaction.
 */
export function ndjsonResponse<E>(run: (send: (event: E) => void) => Promise<void>): Response {
  const encoder = new TextEncoder();
  let open = true;
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: E) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
        } catch {
          open = false;
        }
      };
      void run(send).finally(() => {
        if (!open) return;
        open = false;
        controller.close();
      });
    },
    cancel() {
      open = false;
    },
  });
  return new Response(stream, { status: 200, headers: { "content-type": "application/x-ndjson; charset=utf-8", "x-accel-buffering": "no", ...NO_STORE } });
}
