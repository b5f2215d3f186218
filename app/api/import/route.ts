import { guardApi } from "@/lib/apply/guard";
import { otherMethods } from "@/lib/apply/methods";
import { handleImportRequest } from "@/lib/import/server";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** POST { source, schema? }: the tables of a database (or a SQL dump) as a proposed design; see lib/import/server.ts. Only the page's own requests reach it (lib/apply/guard.ts). */
export const POST = guardApi((request) => handleImportRequest(request));

/** Any other method: the API's JSON error (405), not Next's empty answer. */
export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("POST");
