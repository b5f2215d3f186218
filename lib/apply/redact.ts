/**
 * Hides secrets in text before it leaves the process (events, responses, CLI output, errors):
 * the secrets it was told about (API keys, connection strings, passwords), wherever they appear,
 * and anything shaped like one (a password in a URL or a `password=` parameter, a Bearer token,
 * Neon's `npg_` passwords and `napi_` keys).
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /**
   * Adds a secret. A connection string's secrets are its passwords: the address itself stays
   * readable (a destination is shown as `user@host:port/database` whether or not it has a
   * password). Short strings are ignored (they would hide ordinary words).
   */
  add(secret: string | undefined): this {
    if (!secret || secret.length < 6) return this;
    const passwords = passwordsOf(secret);
    if (passwords) {
      for (const password of passwords) this.add(password);
      return this;
    }
    this.secrets.add(secret);
    for (const form of [encodeURIComponent(secret), safeDecode(secret)]) if (form && form.length >= 6) this.secrets.add(form);
    return this;
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a connection string goes before the password inside it.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join("***");
    return out
      .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s"'<>]*:)[^@\s"'<>/]+@/gi, "$1***@")
      .replace(/\b((?:ssl)?password|passwd|pwd|apikey|api_key|token)=([^&\s"'<>]+)/gi, (_, key: string) => `${key}=***`)
      .replace(/\bBearer\s+[A-Za-z0-9._~+/=-]+/g, "Bearer ***")
      .replace(/\b(npg|napi)_[A-Za-z0-9]{6,}/g, "$1_***");
  }

  /** A copy of a JSON-like value with every string redacted. */
  redactDeep<T>(value: T): T {
    if (typeof value === "string") return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactDeep(v)) as T;
    if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.redactDeep(v)])) as T;
    }
    return value;
  }
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** The passwords of a URL (in its user part, `password=`, `sslpassword=`), or undefined when the text is not a URL. */
function passwordsOf(text: string): string[] | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return undefined;
  try {
    const url = new URL(text);
    const inUser = url.password ? safeDecode(url.password) : undefined;
    const inQuery = ["password", "sslpassword"].flatMap((key) => url.searchParams.getAll(key));
    return [inUser, url.password, ...inQuery].filter((p): p is string => !!p);
  } catch {
    return undefined;
  }
}

const POSTGRES_URL = /\bpostgres(?:ql)?:\/\/(?:([^:/?#@\s"'<>]*)(?::[^@\s"'<>/]*)?@)?([^\s/?#"'<>;,]+)(\/[^\s?#"'<>;,]*)?(\?[^\s#"'<>;,]*)?/gi;

/**
 * Every PostgreSQL URL in a text as the designer shows a destination: `user@host:port/database`,
 * the password left out rather than masked (a `***` reads as if it were part of the address), and
 * the other parameters kept but `password`. The rest of the text stays as it is.
 */
export function displayLocations(text: string): string {
  return text.replace(POSTGRES_URL, (_, user: string | undefined, host: string, path: string | undefined, query: string | undefined) => {
    const params = (query ?? "")
      .slice(1)
      .split("&")
      .filter((p) => p !== "" && !/^((ssl)?password|passwd|pwd)=/i.test(p));
    return `${user ? `${user}@` : ""}${host}${path ?? ""}${params.length > 0 ? `?${params.join("&")}` : ""}`;
  });
}
