import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { API_TOKEN_HEADER } from "./client";
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

/** A host the server answers for: a host name (any port), or `host:port` (that port only). */
export interface HostRule {
  readonly hostname: string;
  readonly port?: string;
}

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

/** The host names and addresses every browser maps to this machine itself. */
export function isLoopbackHostname(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

const HOST_SYNTAX = /^(?:\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/i;

/**
 * A Host header (or an RLSD_ALLOWED_HOSTS entry) as the URL parser normalises it: lower case,
 * IPv4 in dotted decimal (`127.1` is `127.0.0.1`), the default port dropped. Null when it is not
 * a bare host[:port] (no user, path or anything else a URL may hold).
 */
export function parseHost(value: string): { hostname: string; port: string; host: string } | null {
  if (!HOST_SYNTAX.test(value)) return null;
  try {
    const url = new URL(`http://${value}`);
    return { hostname: url.hostname, port: url.port, host: url.host };
  } catch {
    return null;
  }
}

/**
 * RLSD_ALLOWED_HOSTS: host names or addresses, comma- or space-separated, each optionally with a
 * port (`designer.internal, 192.168.1.20:3000, [fd00::1]`). Entries that are not a host are
 * reported through `invalid` and ignored, so a typo never widens what is served.
 */
export function allowedHostsFrom(value: string | undefined, invalid: (entry: string) => void = () => {}): HostRule[] {
  const rules: HostRule[] = [];
  for (const entry of (value ?? "").split(/[\s,]+/).filter(Boolean)) {
    const parsed = parseHost(entry);
    if (!parsed) {
      invalid(entry);
      continue;
    }
    const hasPort = /:\d+$/.test(entry) && !/^\[[^\]]*\]$/.test(entry);
    rules.push(hasPort ? { hostname: parsed.hostname, port: parsed.port } : { hostname: parsed.hostname });
  }
  return rules;
}

/** Whether the server answers for this Host header: loopback, or a configured host. */
export function isAllowedHost(hostHeader: string, allowed: readonly HostRule[] = []): boolean {
  const parsed = parseHost(hostHeader);
  if (!parsed) return false;
  if (isLoopbackHostname(parsed.hostname)) return true;
  return allowed.some((rule) => rule.hostname === parsed.hostname && (rule.port === undefined || rule.port === parsed.port));
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
const HOSTS_KEY = Symbol.for("rls-designer.allowed-hosts");
type Shared = { [TOKEN_KEY]?: string; [HOSTS_KEY]?: HostRule[] };

/**
 * This process's token, made once. Kept on globalThis: Next.js bundles each route separately,
 * and a module-level value would differ between the route that hands it out and those that check it.
 */
export function apiToken(): string {
  const shared = globalThis as Shared;
  return (shared[TOKEN_KEY] ??= randomBytes(32).toString("base64url"));
}

/** RLSD_ALLOWED_HOSTS, read once per process (a bad entry is logged once, then ignored). */
function configuredHosts(): HostRule[] {
  const shared = globalThis as Shared;
  return (shared[HOSTS_KEY] ??= allowedHostsFrom(process.env.RLSD_ALLOWED_HOSTS, (entry) => defaultLog(`[rls-designer] RLSD_ALLOWED_HOSTS: ignored ${quoted(entry)}, not a host name or address`)));
}

function defaultLog(line: string): void {
  console.warn(line);
}
