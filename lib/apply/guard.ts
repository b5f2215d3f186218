import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { API_TOKEN_HEADER } from "./client";
import { configuredHosts, isAllowedHost, parseHost, type HostRule } from "./hosts";
import { errorResponse, jsonResponse } from "./http";

/**
 * Who may drive the app's server: only its own page, reached by a host name the server really
 * serves. The server connects to any database a request names, applies designs there and empties
 * the embedded database, so every request to app/api/** passes through here first.
 *
 * - Host: a web page on a rebinding domain (evil.example resolving to 127.0.0.1) is same-origin
 *   with the server in the browser's eyes, so Origin matches Host; only the host *name* gives it
 *   away. Loopback names and addresses are served, plus RLSD_ALLOWED_HOSTS.
 * - Origin (and Sec-Fetch-Site where the browser sends it): a cross-site page's form or fetch.
 * - The page's token: a per-process random value the page fetches from GET /api/token (which
 *   checks Host and Sec-Fetch-Site, and which no other origin can read), sent back in a header.
 *   A request no page of this server prepared carries none; a custom header also means a
 *   cross-origin browser request needs a CORS preflight, which this server never grants.
 * - JSON only: a `text/plain` or form post is what a page may send without a preflight.
 */

export { API_TOKEN_HEADER, API_TOKEN_PATH } from "./client";
export { allowedHostsFrom, isAllowedHost, isLoopbackHostname, parseHost, type HostRule } from "./hosts";

/** Why a request was refused: the answer's status and code, and a line for the server's log. */
export interface Refusal {
  readonly status: 403 | 415;
  readonly code: "host-not-allowed" | "cross-origin" | "invalid-token" | "unsupported-media-type";
  readonly message: string;
  /** For the log: what was wrong, with the offending header value quoted; never the token. */
  readonly detail: string;
}

export interface GuardOptions {
  /** Hosts served besides loopback; defaults to RLSD_ALLOWED_HOSTS. */
  readonly allowedHosts?: readonly HostRule[];
  /** The token the page must send; defaults to this process's token. */
  readonly token?: string;
  /** Where refusals are logged; defaults to console.warn. */
  readonly log?: (line: string) => void;
}

/** Header values quoted for a log line: attacker-chosen, so cut short and with control characters escaped. */
function quoted(value: string | null): string {
  if (value === null) return "none";
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
}

function hostRefusal(request: Request, allowed: readonly HostRule[]): Refusal | null {
  const host = request.headers.get("host");
  if (host !== null && isAllowedHost(host, allowed)) return null;
  return {
    status: 403,
    code: "host-not-allowed",
    message: "this server answers only for its own host names (loopback by default; RLSD_ALLOWED_HOSTS adds others)",
    detail: `Host ${quoted(host)}`,
  };
}

function crossOrigin(detail: string): Refusal {
  return { status: 403, code: "cross-origin", message: "this API answers the designer's own page only", detail };
}

/** Sec-Fetch-Site, when the browser sends it, must say the request comes from this origin. */
function siteRefusal(request: Request, required: boolean): Refusal | null {
  const site = request.headers.get("sec-fetch-site");
  if (site === "same-origin" || (site === null && !required)) return null;
  return crossOrigin(`Sec-Fetch-Site ${quoted(site)}`);
}

/** Origin must be present and name this very host (scheme http or https). */
function originRefusal(request: Request): Refusal | null {
  const origin = request.headers.get("origin");
  const host = parseHost(request.headers.get("host") ?? "");
  let url: URL | null = null;
  try {
    url = origin === null ? null : new URL(origin);
  } catch {
    url = null;
  }
  if (url && host && (url.protocol === "http:" || url.protocol === "https:") && url.host === host.host) return null;
  return crossOrigin(`Origin ${quoted(origin)}`);
}

/** Compares digests, so neither the time taken nor a length check tells how much of a guess was right. */
function sameToken(sent: string, token: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(sent), digest(token));
}

function tokenRefusal(request: Request, token: string): Refusal | null {
  const sent = request.headers.get(API_TOKEN_HEADER);
  if (sent !== null && sameToken(sent, token)) return null;
  return {
    status: 403,
    code: "invalid-token",
    message: "the request does not carry this server's page token; reload the page",
    detail: sent === null ? "no page token" : "a wrong page token",
  };
}

function mediaRefusal(request: Request): Refusal | null {
  if (/^application\/json\s*(;|$)/i.test(request.headers.get("content-type") ?? "")) return null;
  return { status: 415, code: "unsupported-media-type", message: "send the request body as application/json", detail: `Content-Type ${quoted(request.headers.get("content-type"))}` };
}

/** What refuses a state-changing API request (a POST to app/api/**), or null when it may go on. */
export function checkApiRequest(request: Request, options: GuardOptions = {}): Refusal | null {
  const allowed = options.allowedHosts ?? configuredHosts();
  return hostRefusal(request, allowed) ?? siteRefusal(request, false) ?? originRefusal(request) ?? tokenRefusal(request, options.token ?? apiToken()) ?? mediaRefusal(request);
}

/**
 * What refuses a request for the page's token, or null. Browsers send no Origin on a same-origin
 * GET, so Sec-Fetch-Site is required instead; no other origin could read the answer anyway
 * (no CORS headers), and the Host check keeps out a rebinding domain, which could.
 */
export function checkTokenRequest(request: Request, options: GuardOptions = {}): Refusal | null {
  return hostRefusal(request, options.allowedHosts ?? configuredHosts()) ?? siteRefusal(request, true);
}

/** The refusal as the API's usual JSON error, logged (method, path, reason; no secrets). */
export function refuse(request: Request, refusal: Refusal, log: (line: string) => void = defaultLog): Response {
  log(`[rls-designer] refused ${request.method} ${new URL(request.url).pathname} (${refusal.status} ${refusal.code}): ${refusal.detail}`);
  return errorResponse(refusal.status, refusal.code, refusal.message);
}

/** Wraps a route's handler: the request reaches it only once checkApiRequest lets it through. */
export function guardApi(handler: (request: Request) => Promise<Response>, options: GuardOptions = {}): (request: Request) => Promise<Response> {
  return async (request) => {
    const refusal = checkApiRequest(request, options);
    return refusal ? refuse(request, refusal, options.log) : handler(request);
  };
}

/** GET /api/token: `{ ok: true, token }` for the page, which sends it back in API_TOKEN_HEADER. */
export function handleTokenRequest(request: Request, options: GuardOptions = {}): Response {
  const refusal = checkTokenRequest(request, options);
  if (refusal) return refuse(request, refusal, options.log);
  const response = jsonResponse(200, { ok: true, token: options.token ?? apiToken() });
  // Not even an opaque (no-cors) answer for another site's page: it stays out of that page's process.
  response.headers.set("cross-origin-resource-policy", "same-origin");
  return response;
}

const TOKEN_KEY = Symbol.for("rls-designer.api-token");
type Shared = { [TOKEN_KEY]?: string };

/**
 * This process's token, made once. Kept on globalThis: Next.js bundles each route separately,
 * and a module-level value would differ between the route that hands it out and those that check it.
 */
export function apiToken(): string {
  const shared = globalThis as Shared;
  return (shared[TOKEN_KEY] ??= randomBytes(32).toString("base64url"));
}

function defaultLog(line: string): void {
  console.warn(line);
}
