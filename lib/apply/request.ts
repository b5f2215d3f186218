import { z } from "zod";

/** Neon's IDs: `soft-dew-12345678` (project), `br-small-term-683261` (branch). */
const NEON_ID = /^[a-z0-9-]{1,60}$/;
const apiKey = z.string().min(1, "the Neon API key is required").max(1024);
const projectId = z.string().regex(NEON_ID, "a Neon project ID, e.g. soft-dew-12345678");
const branchId = z.string().regex(NEON_ID, "a Neon branch ID, e.g. br-small-term-683261");
/** A database or role name as Neon allows them (at most 63 bytes, no control characters). */
const pgName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^\P{Cc}+$/u, "a database or role name, without control characters");

export const destinationSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("embedded") }),
  z.strictObject({
    kind: z.literal("postgres"),
    url: z
      .string()
      .max(4096)
      .regex(/^postgres(ql)?:\/\/\S+$/i, "expected a connection string: postgres://user:password@host:port/database"),
  }),
  z
    .strictObject({
      kind: z.literal("neon"),
      apiKey,
      projectId,
      parentBranchId: branchId.optional(),
      branchName: z.string().min(1).max(256).optional(),
      branchId: branchId.optional(),
      databaseName: pgName.optional(),
      roleName: pgName.optional(),
      keepRehearsal: z.boolean().optional(),
    })
    .superRefine((d, ctx) => {
      if (d.branchId && d.parentBranchId) ctx.addIssue({ code: "custom", path: ["parentBranchId"], message: "a connected branch (branchId) is its own parent: give one or the other" });
      if (!d.branchId) {
        for (const key of ["databaseName", "roleName", "keepRehearsal"] as const) {
          if (d[key] !== undefined) ctx.addIssue({ code: "custom", path: [key], message: "needs a connected branch (branchId)" });
        }
      }
    }),
]);

/** POST /api/plan and POST /api/apply. */
export const applyRequestSchema = z.strictObject({
  /** The design file's JSON, as the designer holds it. */
  design: z.looseObject({}),
  destination: destinationSchema,
  /** Apply even when the plan drops or rewrites data. */
  confirmDestructive: z.boolean().optional(),
  /** POST /api/apply to a connected Neon branch: omit to rehearse on a child branch; give the rehearsal's fingerprint to apply the same migrations to the branch. */
  rehearsal: z.string().regex(/^[0-9a-f]{64}$/, "the fingerprint of a rehearsal").optional(),
  /**
   * POST /api/apply: the policies the plan listed in `foreignPolicies` (table and name) that the
   * user confirmed dropping. Dropped only when the apply finds exactly these; otherwise refused,
   * nothing changed. Omit to keep them all.
   */
  dropForeignPolicies: z
    .array(z.strictObject({ table: z.string().min(1).max(256), name: z.string().min(1).max(256) }))
    .min(1, "omit dropForeignPolicies to keep the policies the design does not produce")
    .max(1000)
    .optional(),
});

/** POST /api/neon/projects. */
export const neonProjectsRequestSchema = z.strictObject({ apiKey });

/** POST /api/neon/branches. */
export const neonBranchesRequestSchema = z.strictObject({ apiKey, projectId });

/** POST /api/neon/databases: a branch's databases and roles. */
export const neonDatabasesRequestSchema = z.strictObject({ apiKey, projectId, branchId });

export type ApplyRequestBody = z.infer<typeof applyRequestSchema>;
export type NeonProjectsRequestBody = z.infer<typeof neonProjectsRequestSchema>;
export type NeonBranchesRequestBody = z.infer<typeof neonBranchesRequestSchema>;
export type NeonDatabasesRequestBody = z.infer<typeof neonDatabasesRequestSchema>;
