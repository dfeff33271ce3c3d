/**
 * Custom policies added in the app (issue 16): each is a TypeScript/JavaScript file or folder
 * written with the policy SDK (shared/policy-sdk), compiled by the control plane and watched,
 * so an edit is live on the next request. A file that stops compiling keeps its last good
 * version serving and shows the error as `file:line: message`.
 */
import { z } from 'zod';

export const customPolicyErrorSchema = z.object({
  file: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  message: z.string(),
  /** `file:line:column: message`, the way editors link it. */
  text: z.string(),
});
export type CustomPolicyErrorInfo = z.infer<typeof customPolicyErrorSchema>;

/** A hook that held the event loop longer than the limit. */
export const customPolicyBlockingSchema = z.object({
  hook: z.string(),
  durationMs: z.number(),
  limitMs: z.number(),
  apiId: z.string(),
  apiName: z.string().optional(),
  at: z.number(),
});

export const customPolicyUsageSchema = z.object({ apiId: z.string(), apiName: z.string(), bindingId: z.string() });

export const customPolicyFieldSchema = z.object({ label: z.string(), help: z.string().optional(), placeholder: z.string().optional() });

export const customPolicyInfoSchema = z.object({
  id: z.string(),
  /** Absolute path of the file or folder it is loaded from. */
  source: z.string(),
  /** `ok`: the file as it is now is serving; `error`: it does not load (the last good version serves, if any). */
  status: z.enum(['ok', 'error']),
  error: customPolicyErrorSchema.optional(),
  /** The serving version's definition; absent when no version ever loaded. */
  name: z.string().optional(),
  version: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  /** Its config's JSON Schema: the app's form renders from it. */
  schema: z.record(z.string(), z.unknown()).optional(),
  /** Form labels by property path. */
  fields: z.record(z.string(), customPolicyFieldSchema).optional(),
  /** The config the form starts from (the schema's defaults). */
  defaults: z.record(z.string(), z.unknown()).optional(),
  /** sha256 of the bundled code (what Docker replicas receive and check). */
  checksum: z.string().optional(),
  usedBy: z.array(customPolicyUsageSchema),
  blocking: z.array(customPolicyBlockingSchema),
  addedAt: z.number(),
});
export type CustomPolicyInfo = z.infer<typeof customPolicyInfoSchema>;

export const customPolicyAddSchema = z.object({
  path: z
    .string()
    .trim()
    .min(1, 'give the path of a .ts or .js file, or of a folder')
    .max(4096, 'must be at most 4096 characters'),
});

export const customPolicyIdSchema = z.object({ id: z.string().min(1) });
