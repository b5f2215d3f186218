import { PROVIDER_PRESETS, quoteIdent, type Model, type Provider } from "../design";
import type { DevFile } from "./types";

/**
 * `examples/authorized-query.tsx`: a Next.js server component that runs one query as the
 * signed-in user, for the design's provider and target, as the seeds show for Neon.
 */

/** Lines that leave the user's JWT in `token`, per provider. */
const TOKEN: Record<Provider, { imports: string[]; lines: string[] }> = {
  clerk: { imports: [`import { auth } from "@clerk/nextjs/server";`], lines: ["const token = await (await auth()).getToken();"] },
  auth0: { imports: [`import { auth0 } from "@/lib/auth0"; // your Auth0Client from @auth0/nextjs-auth0`], lines: ["const { token } = await auth0.getAccessToken();"] },
  workos: { imports: [`import { withAuth } from "@workos-inc/authkit-nextjs";`], lines: ["const { accessToken: token } = await withAuth({ ensureSignedIn: true });"] },
  "better-auth": {
    imports: [`import { headers } from "next/headers";`, `import { auth } from "@/lib/auth"; // your betterAuth() with the jwt() plugin`],
    lines: ["const { token } = await auth.api.getToken({ headers: await headers() });"],
  },
  "stack-auth": {
    imports: [`import { stackServerApp } from "@/stack";`],
    lines: ["const user = await stackServerApp.getUser({ or: \"redirect\" });", "const { accessToken: token } = await user.getAuthJson();"],
  },
  "neon-auth": {
    imports: [`import { getSessionToken } from "@/lib/neon-auth"; // returns the signed-in user's JWT from your Neon Auth client`],
    lines: ["const token = await getSessionToken();"],
  },
  supabase: { imports: [], lines: [] },
  custom: { imports: [`import { getUserToken } from "@/lib/auth"; // returns the signed-in user's JWT`], lines: ["const token = await getUserToken();"] },
};

export function authorizedQueryExample(model: Model): DevFile {
  const table = model.tables.find((t) => t.generatedFor === null)?.name ?? "your_table";
  const token = TOKEN[model.provider];
  const body = bodyFor(model, table, token);
  const header = [
    `// ${model.name}: an authorized query from a Next.js server component (${PROVIDER_PRESETS[model.provider].label}, target ${model.target}).`,
    "// Every row it sees has passed the row-level security policies; the WHERE clause is not needed for safety.",
  ];
  return { path: "examples/authorized-query.tsx", contents: [...header, ...body, ""].join("\n") };
}

function bodyFor(model: Model, table: string, token: { imports: string[]; lines: string[] }): string[] {
  const sqlText = `select * from ${quoteIdent(table)} limit 50`;
  const requireToken = ['  if (!token) throw new Error("not signed in");'];
  const render = ["  return <pre>{JSON.stringify(rows, null, 2)}</pre>;", "}"];
  const tokenLines = token.lines.map((l) => `  ${l}`);
  if (model.target === "supabase") {
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
      `  const { data: rows, error } = await supabase.from(${JSON.stringify(table)}).select().limit(50);`,
      "  if (error) throw error;",
      ...render,
    ];
  }
  if (model.target === "postgres") {
    return [
      `import pg from "pg";`,
      `import { createRemoteJWKSet, jwtVerify } from "jose";`,
      ...token.imports,
      "",
      "const pool = new pg.Pool({ connectionString: process.env.DATABASE_APP_URL });",
      `const jwks = createRemoteJWKSet(new URL(${JSON.stringify(model.jwksUrl ?? PROVIDER_PRESETS[model.provider].jwksUrlTemplate ?? "https://your-issuer/.well-known/jwks.json")}));`,
      "",
      "export default async function Rows() {",
      ...tokenLines,
      ...requireToken,
      "  // Verify the token here: the database trusts whatever claims the connection sets.",
      "  const { payload } = await jwtVerify(token, jwks);",
      "  const client = await pool.connect();",
      "  try {",
      '    await client.query("begin");',
      `    await client.query("select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)", [${JSON.stringify(model.databaseRoles.signedIn)}, JSON.stringify(payload)]);`,
      `    const { rows } = await client.query(${JSON.stringify(sqlText)});`,
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
      "  const rows = await response.json();",
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
    `  const rows = await sql.query(${JSON.stringify(sqlText)});`,
    ...render,
  ];
}
