import { PROVIDER_PRESETS, quoteIdent, type Model, type Provider } from "../design";
import { commentText, tsString } from "./file-text";
import type { DevFile } from "./types";

/**
 * `examples/authorized-query.tsx`: a Next.js server component that runs one query as the
 * signed-in user, for the design's provider and target, as the seeds show for Neon.
 */

/** Lines that leave the user's JWT in `token` (a string, or null/undefined when signed out), per provider. */
const TOKEN: Record<Provider, { imports: string[]; lines: string[] }> = {
  clerk: { imports: [`import { auth } from "@clerk/nextjs/server";`], lines: ["const token = await (await auth()).getToken();"] },
  auth0: { imports: [`import { auth0 } from "@/lib/auth0"; // your Auth0Client from @auth0/nextjs-auth0/server`], lines: ["const { token } = await auth0.getAccessToken();"] },
  workos: { imports: [`import { withAuth } from "@workos-inc/authkit-nextjs";`], lines: ["const { accessToken: token } = await withAuth({ ensureSignedIn: true });"] },
  "better-auth": {
    imports: [`import { headers } from "next/headers";`, `import { auth } from "@/lib/auth"; // your betterAuth() with the jwt() plugin`],
    lines: ["const { token } = await auth.api.getToken({ headers: await headers() });"],
  },
  "stack-auth": {
    imports: [`import { stackServerApp } from "@/stack"; // your StackServerApp from @stackframe/stack`],
    lines: ['const user = await stackServerApp.getUser({ or: "redirect" });', "const { accessToken: token } = await user.getAuthJson();"],
  },
  "neon-auth": {
    imports: [`import { auth } from "@/lib/neon-auth"; // your createNeonAuth() from @neondatabase/auth/next/server`],
    // Neon Auth is Better Auth with its JWT plugin: GET /token returns the session's JWT.
    lines: ["const { data } = await auth.token();", "const token = data?.token;"],
  },
  // Supabase Auth keeps the session in cookies; its access token is a JWT that the project's JWKS verifies
  // (with asymmetric signing keys, Project Settings > JWT Keys).
  supabase: {
    imports: [`import { cookies } from "next/headers";`, `import { createServerClient } from "@supabase/ssr";`],
    lines: [
      "const cookieStore = await cookies();",
      "const supabaseAuth = createServerClient(process.env.NEXT_PUBLIC_SUPABASE_URL!, process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY!, {",
      "  cookies: { getAll: () => cookieStore.getAll(), setAll: () => {} },",
      "});",
      "const { data: { session } } = await supabaseAuth.auth.getSession();",
      "const token = session?.access_token;",
    ],
  },
  custom: { imports: [`import { getUserToken } from "@/lib/user-token"; // returns the signed-in user's JWT`], lines: ["const token = await getUserToken();"] },
};

export function authorizedQueryExample(model: Model): DevFile {
  const table = model.tables.find((t) => t.generatedFor === null)?.name ?? "your_table";
  const token = TOKEN[model.provider];
  const body = bodyFor(model, table, token);
  const header = [
    `// ${commentText(model.name)}: an authorized query from a Next.js server component (${PROVIDER_PRESETS[model.provider].label}, target ${model.target}).`,
    "// Every row it sees has passed the row-level security policies; the WHERE clause is not needed for safety.",
  ];
  return { path: "examples/authorized-query.tsx", contents: [...header, ...body, ""].join("\n") };
}

function bodyFor(model: Model, table: string, token: { imports: string[]; lines: string[] }): string[] {
  const sqlText = `select * from ${quoteIdent(table)} limit 50`;
  const requireToken = ['  if (!token) throw new Error("not signed in");'];
  const render = ["  return <pre>{JSON.stringify(rows, null, 2)}</pre>;", "}"];
  const tokenLines = token.lines.map((l) => `  ${l}`);
  const supabaseQuery = [
    `  const { data: rows, error } = await supabase.from(${tsString(table)}).select().limit(50);`,
    "  if (error) throw error;",
    ...render,
  ];
  if (model.target === "supabase" && model.provider === "supabase") {
    return [
      `import { cookies } from "next/headers";`,
      `import { createServerClient } from "@supabase/ssr";`,
      "",
      "export default async function Rows() {",
      "  const cookieStore = await cookies();",
      "  // The user's session travels in cookies; Supabase runs the query as `authenticated` with their JWT.",
      "  const supabase = createServerClient(process.env.NEXT_PUBLIC_SUPABASE_URL!, process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY!, {",
      "    cookies: { getAll: () => cookieStore.getAll(), setAll: () => {} },",
      "  });",
      ...supabaseQuery,
    ];
  }
  if (model.target === "supabase") {
    return [
      `import { createClient } from "@supabase/supabase-js";`,
      ...token.imports,
      "",
      "export default async function Rows() {",
      ...tokenLines,
      ...requireToken,
      `  // Supabase's third-party auth (Authentication > Third-party auth): the ${PROVIDER_PRESETS[model.provider].label} token goes with`,
      "  // each request, Supabase checks it against the provider's keys and runs the query as `authenticated`.",
      "  const supabase = createClient(process.env.NEXT_PUBLIC_SUPABASE_URL!, process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY!, {",
      "    accessToken: async () => token,",
      "  });",
      ...supabaseQuery,
    ];
  }
  if (model.target === "postgres") {
    const jwksUrl = model.jwksUrl ?? PROVIDER_PRESETS[model.provider].jwksUrlTemplate ?? "https://your-issuer/.well-known/jwks.json";
    return [
      `import pg from "pg";`,
      `import { createRemoteJWKSet, jwtVerify } from "jose";`,
      ...token.imports,
      "",
      "const pool = new pg.Pool({ connectionString: process.env.DATABASE_APP_URL });",
      `const jwks = createRemoteJWKSet(new URL(${tsString(jwksUrl)}));`,
      "",
      "/** The token's claims, once its signature, issuer, audience and expiry check out; the database trusts whatever the connection sets. */",
      "async function verifiedClaims(token: string) {",
      "  const issuer = process.env.AUTH_ISSUER;",
      "  const audience = process.env.AUTH_AUDIENCE;",
      "  // jose skips a check whose option is undefined: refuse to run without both.",
      '  if (!issuer || !audience) throw new Error("set AUTH_ISSUER and AUTH_AUDIENCE");',
      "  const { payload } = await jwtVerify(token, jwks, { issuer, audience });",
      "  return payload;",
      "}",
      "",
      "export default async function Rows() {",
      ...tokenLines,
      ...requireToken,
      "  const claims = await verifiedClaims(token);",
      "  const client = await pool.connect();",
      "  try {",
      '    await client.query("begin");',
      `    await client.query("select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)", [${tsString(model.databaseRoles.signedIn)}, JSON.stringify(claims)]);`,
      `    const { rows } = await client.query(${tsString(sqlText)});`,
      '    await client.query("commit");',
      "    return <pre>{JSON.stringify(rows, null, 2)}</pre>;",
      "  } catch (error) {",
      '    await client.query("rollback");',
      "    throw error;",
      "  } finally {",
      "    client.release();",
      "  }",
      "}",
    ];
  }
  if (model.neonTokenVia === "data-api") {
    return [
      ...token.imports,
      "",
      "export default async function Rows() {",
      ...tokenLines,
      ...requireToken,
      "  // The Data API checks the token against your provider's JWKS and runs the query as `authenticated`.",
      `  const response = await fetch(\`\${process.env.NEON_DATA_API_URL}/${encodeURIComponent(table)}?limit=50\`, {`,
      "    headers: { Authorization: `Bearer ${token}` },",
      '    cache: "no-store",',
      "  });",
      "  if (!response.ok) throw new Error(`Data API: ${response.status} ${await response.text()}`);",
      "  const rows: unknown = await response.json();",
      ...render,
    ];
  }
  return [
    `import { neon } from "@neondatabase/serverless";`,
    ...token.imports,
    "",
    "export default async function Rows() {",
    "  const sql = neon(process.env.DATABASE_AUTHENTICATED_URL!, {",
    "    authToken: async () => {",
    ...token.lines.map((l) => `      ${l}`),
    '      if (!token) throw new Error("not signed in");',
    "      return token;",
    "    },",
    "  });",
    `  const rows = await sql.query(${tsString(sqlText)});`,
    ...render,
  ];
}

/**
 * `.env.example` lines the sample reads besides the target's own: with Supabase Auth as the provider on
 * Neon or plain PostgreSQL, the sample reads the session from Supabase, so it needs the project's URL and key.
 */
export function sampleEnvLines(model: Model): string[] {
  if (model.provider !== "supabase" || model.target === "supabase") return [];
  return [
    "# Supabase Auth (Project Settings > API): the sample reads the signed-in user's session with these.",
    "NEXT_PUBLIC_SUPABASE_URL='https://your-project-ref.supabase.co'",
    "NEXT_PUBLIC_SUPABASE_ANON_KEY='your-anon-key'",
  ];
}

/** Where the issuer and audience of the provider's tokens are, for the jose check on plain PostgreSQL. */
export function issuerEnvLines(model: Model): string[] {
  const known: Partial<Record<Provider, [string, string]>> = {
    supabase: ["https://your-project-ref.supabase.co/auth/v1", "authenticated"],
    auth0: ["https://your-tenant.auth0.com/", "your-api-identifier"],
  };
  const [issuer, audience] = known[model.provider] ?? ["https://your-issuer.example.com/", "your-api-audience"];
  return [
    "# The app accepts only tokens from this issuer, meant for this audience (the token's iss and aud claims).",
    `AUTH_ISSUER='${issuer}'`,
    `AUTH_AUDIENCE='${audience}'`,
  ];
}
