/** Declarative config beyond plain import/export: apply modes, the resource-by-resource diff, environments. */
import { z } from 'zod';

/** merge: add and update only; sync: also remove what the file lacks (the file is the whole setup). */
export const configImportModeSchema = z.enum(['merge', 'sync']);
export type ConfigImportMode = z.infer<typeof configImportModeSchema>;

export const configChangeSchema = z.object({
  action: z.enum(['add', 'change', 'remove']),
  /** The resource kind as in the file: Gateway, ApiInstance, SlaTier, Application, Contract, AlertRule. */
  kind: z.string(),
  name: z.string(),
  /** For a change: the fields that differ (never their values: some are secrets). */
  fields: z.array(z.string()).optional(),
});
export type ConfigChange = z.infer<typeof configChangeSchema>;

// ------------------------------------------------------------------------------ Environments

/** A variable name as `${NAME}` takes it. */
export const environmentVariableNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name (letters, digits, "_"; not starting with a digit)');

export const environmentNameSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'must be a short name (letters, digits, ".", "_", "-"), such as laptop or staging');

export const environmentVariableInputSchema = z.strictObject({
  name: environmentVariableNameSchema,
  /**
   * The value; `${NAME}` in it is read from the process environment at apply time (a secret
   * reference: the secret itself stays outside the app). Omitted on a secret: keep the stored one.
   */
  value: z.string().max(8192).optional(),
  /** Stored encrypted and never shown again (a webhook URL, a token). */
  secret: z.boolean().default(false),
});

export const environmentInputSchema = z.strictObject({
  name: environmentNameSchema,
  description: z.string().max(500).optional(),
  variables: z.array(environmentVariableInputSchema).max(200),
});
export type EnvironmentInput = z.input<typeof environmentInputSchema>;

export const environmentVariableSchema = z.object({
  name: z.string(),
  /** Absent for a secret: it is never sent back. */
  value: z.string().optional(),
  secret: z.boolean(),
});
export const environmentSchema = z.object({
  name: z.string(),
  description: z.string().optional(),
  variables: z.array(environmentVariableSchema),
  updatedAt: z.number().int(),
});
export type Environment = z.infer<typeof environmentSchema>;
