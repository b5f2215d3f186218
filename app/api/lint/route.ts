import { guardApi } from "@/lib/apply/guard";
import { otherMethods } from "@/lib/apply/methods";
import { handleLintRequest } from "@/lib/lint/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST { source, schema? }: the RLS checks on a database (or a SQL dump), with SARIF; see lib/lint/server.ts. Only the page's own requests reach it (lib/apply/guard.ts). */
export const POST = guardApi((request) => handleLintRequest(request));

/** Any other method: the API's JSON error (405), not Next's empty answer. */
export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
