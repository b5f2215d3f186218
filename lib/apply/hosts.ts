/**
 * The host names the app's server answers for (lib/apply/guard.ts): loopback, plus
 * RLSD_ALLOWED_HOSTS. Pure except for reading that variable once.
 */

/** A host the server answers for: a host name (any port), or `host:port` (that port only). */
export interface HostRule {
  readonly hostname: string;
  readonly port?: string;
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

const HOSTS_KEY = Symbol.for("rls-designer.allowed-hosts");

/** RLSD_ALLOWED_HOSTS, read once per process (a bad entry is logged once, then ignored). */
export function configuredHosts(): HostRule[] {
  const shared = globalThis as { [HOSTS_KEY]?: HostRule[] };
  return (shared[HOSTS_KEY] ??= allowedHostsFrom(process.env.RLSD_ALLOWED_HOSTS, (entry) => console.warn(`[rls-designer] RLSD_ALLOWED_HOSTS: ignored ${JSON.stringify(entry.slice(0, 120))}, not a host name or address`)));
}
