import { describe, expect, it } from "vitest";
import { template, validateDesign, type Design, type Provider } from "../design";
import { organizationsFor, principalsFor, strangerFor } from "./principals";

function modelOf(design: Design) {
  const result = validateDesign(design);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.model;
}

const withProvider = (provider: Provider, design = template("saas")): Design => ({ ...design, auth: { ...design.auth, provider } });

describe("principals sign in with the ids their provider issues", () => {
  it.each([
    ["clerk", /^user_2[0-9A-Za-z]{26}$/],
    ["auth0", /^auth0\|[0-9a-f]{24}$/],
    ["workos", /^user_01H[0-9A-HJKMNP-TV-Z]{23}$/],
    ["better-auth", /^[0-9A-Za-z]{32}$/],
    ["custom", /^user-\d+$/],
    ["supabase", /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/],
    ["stack-auth", /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/],
  ] as const)("%s", (provider, shape) => {
    const model = modelOf(withProvider(provider));
    const ids = [...principalsFor(model).map((p) => p.userId).filter((id): id is string => id !== null), strangerFor(model)];
    for (const id of ids) expect(id).toMatch(shape);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each([
    ["clerk", /^org_2[0-9A-Za-z]{26}$/],
    ["auth0", /^org_[0-9A-Za-z]{16}$/],
    ["workos", /^org_01H[0-9A-HJKMNP-TV-Z]{23}$/],
    ["stack-auth", /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/],
  ] as const)("organizations of %s", (provider, shape) => {
    const model = modelOf(withProvider(provider));
    const [a, b] = organizationsFor(model);
    expect(a).toMatch(shape);
    expect(b).toMatch(shape);
    expect(a).not.toBe(b);
    expect(principalsFor(model).map((p) => p.claimedOrg).filter((o) => o !== null)).toContain(a);
  });

  it("uses uuid organizations when an organization column is uuid", () => {
    const design = withProvider("clerk");
    for (const table of design.tables) for (const c of table.columns) if (c.name === "organization_id") c.type = "uuid";
    for (const org of organizationsFor(modelOf(design))) expect(org).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("uses uuids when a column holding user ids is uuid, whatever the provider", () => {
    const design = withProvider("clerk", template("todos"));
    design.tables[0].columns.find((c) => c.name === "user_id")!.type = "uuid";
    for (const p of principalsFor(modelOf(design))) if (p.userId) expect(p.userId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
