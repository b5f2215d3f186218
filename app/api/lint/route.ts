import { guardApi } from "@/lib/apply/guard";
import { handleLintRequest } from "@/lib/lint/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST { source, schema? }: the RLS checks on a database (or a SQL dump), with SARIF; see lib/lint/server.ts. Only the page's own requests reach it (lib/apply/guard.ts). */
export const POST = guardApi((request) => handleLintRequest(request));
