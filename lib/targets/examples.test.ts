import ts from "typescript";
import { describe, expect, it } from "vitest";
import { compileDesign } from "../compiler";
import { PROVIDERS, template, type Design } from "../design";

/**
 * What the sample code does, read from its syntax tree. That it compiles against the real SDKs is
 * `npm run check:samples` (samples-check/), which needs those SDKs installed.
 */

function sample(design: Design): ts.SourceFile {
  const result = compileDesign(design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const text = result.bundle.find((f) => f.path === "examples/authorized-query.tsx")!.contents;
  return ts.createSourceFile("authorized-query.tsx", text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TSX);
}

function imports(source: ts.SourceFile): string[] {
  return source.statements.filter(ts.isImportDeclaration).map((i) => (i.moduleSpecifier as ts.StringLiteral).text);
}

function calls(source: ts.SourceFile, name: string): ts.CallExpression[] {
  const found: ts.CallExpression[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === name) found.push(node);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function propertyNames(node: ts.Expression | undefined): string[] {
  if (!node || !ts.isObjectLiteralExpression(node)) return [];
  return node.properties.map((p) => (p.name && ts.isIdentifier(p.name) ? p.name.text : "?"));
}

describe("examples/authorized-query.tsx", () => {
  it("plain PostgreSQL: jose checks the token's issuer and audience, never the signature alone", () => {
    for (const provider of PROVIDERS) {
      const source = sample({ ...template("todos"), target: "postgres", auth: { provider } });
      const verifications = calls(source, "jwtVerify");
      expect(verifications, provider).toHaveLength(1);
      expect(propertyNames(verifications[0].arguments[2]), provider).toEqual(expect.arrayContaining(["issuer", "audience"]));
      // jose skips a check whose option is undefined, so the sample refuses to run without both.
      expect(source.text, provider).toContain('if (!issuer || !audience) throw new Error("set AUTH_ISSUER and AUTH_AUDIENCE");');
    }
  });

  it("plain PostgreSQL: the .env.example names the issuer and audience the sample reads", () => {
    const result = compileDesign({ ...template("todos"), target: "postgres", auth: { provider: "auth0" } });
    if (!result.ok) throw new Error("does not compile");
    const env = result.bundle.find((f) => f.path === ".env.example")!.contents;
    expect(env).toMatch(/^AUTH_ISSUER='https:\/\/your-tenant\.auth0\.com\/'$/m);
    expect(env).toMatch(/^AUTH_AUDIENCE='.+'$/m);
  });

  it("Supabase with another provider: Supabase's third-party auth (createClient with accessToken), not Supabase Auth's cookies", () => {
    for (const provider of PROVIDERS.filter((p) => p !== "supabase")) {
      const source = sample({ ...template("todos"), target: "supabase", auth: { provider } });
      expect(imports(source), provider).toContain("@supabase/supabase-js");
      expect(imports(source), provider).not.toContain("@supabase/ssr");
      const clients = calls(source, "createClient");
      expect(clients, provider).toHaveLength(1);
      expect(propertyNames(clients[0].arguments[2]), provider).toEqual(["accessToken"]);
      expect(calls(source, "createServerClient"), provider).toEqual([]);
    }
  });

  it("Supabase with Supabase Auth: the session from cookies through @supabase/ssr", () => {
    const source = sample({ ...template("todos"), target: "supabase", auth: { provider: "supabase" } });
    expect(imports(source)).toEqual(["next/headers", "@supabase/ssr"]);
    expect(calls(source, "createServerClient")).toHaveLength(1);
  });

  it("Supabase Auth on Neon and plain PostgreSQL: the token is the Supabase session's, and .env.example says where it comes from", () => {
    for (const target of ["neon", "postgres"] as const) {
      const result = compileDesign({ ...template("todos"), target, auth: { provider: "supabase" } });
      if (!result.ok) throw new Error("does not compile");
      const text = result.bundle.find((f) => f.path === "examples/authorized-query.tsx")!.contents;
      expect(text, target).toContain("const token = session?.access_token;");
      expect(result.bundle.find((f) => f.path === ".env.example")!.contents, target).toMatch(/^NEXT_PUBLIC_SUPABASE_URL=/m);
    }
  });
});
