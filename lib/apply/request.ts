import { z } from "zod";

/** Neon's IDs: `soft-dew-12345678` (project), `br-small-term-683261` (branch). */
const NEON_ID = /^[a-z0-9-]{1,60}$/;
const apiKey = z.string().min(1, "the Neon API key is required").max(1024);
const projectId = z.string().regex(NEON_ID, "a Neon project ID, e.g. soft-dew-12345678");

export const destinationSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("embedded") }),
  z.strictObject({
    kind: z.literal("postgres"),
    url: z
      .string()
      .max(4096)
      .regex(/^postgres(ql)?:\/\/\S+$/i, "expected a connection string: postgres://user:password@host:port/database"),
  }),
  z.strictObject({
    kind: z.literal("neon"),
    apiKey,
    projectId,
    parentBranchId: z.string().regex(NEON_ID, "a Neon branch ID, e.g. br-small-term-683261").optional(),
    branchName: z.string().min(1).max(256).optional(),
  }),
]);

/** POST /api/plan and POST /api/apply. */
export const applyRequestSchema = z.strictObject({
  /** The design file's JSON, as the designer holds it. */
  design: z.looseObject({}),
  destination: destinationSchema,
  /** Apply even when the plan drops or rewrites data. */
  confirmDestructive: z.boolean().optional(),
});

/** POST /api/neon/projects. */
export const neonProjectsRequestSchema = z.strictObject({ apiKey });

/** POST /api/neon/branches. */
export const neonBranchesRequestSchema = z.strictObject({ apiKey, projectId });

export type ApplyRequestBody = z.infer<typeof applyRequestSchema>;
export type NeonProjectsRequestBody = z.infer<typeof neonProjectsRequestSchema>;
export type NeonBranchesRequestBody = z.infer<typeof neonBranchesRequestSchema>;
