/**
 * Zod schemas of the declarative resources: Flex Gateway's local-mode kinds
 * (`gateway.mulesoft.com/v1alpha1`) and Gatehouse's own (`gatehouse.dev/v1`). Field names are
 * Flex's, so a Flex conf.d loads unchanged. Policy configs are validated later, against the
 * policy catalogue, because their schema depends on `policyRef.name`.
 */
import { z } from 'zod';
import { alertRuleCreateSchema } from '../../shared/contract/models';
import { policyRuleSchema, rateLimitWindowSchema } from '../../shared/policies/common';
import { mockSpecSchema } from './compile-mocks';

export const FLEX_API_VERSION = 'gateway.mulesoft.com/v1alpha1';
/** Flex documents v1beta1 for Configuration only (logging, tracing; its Helm chart writes it). */
export const FLEX_V1BETA1_API_VERSION = 'gateway.mulesoft.com/v1beta1';
export const GATEHOUSE_API_VERSION = 'gatehouse.dev/v1';

const name = z
  .string()
  .min(1)
  .regex(/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/, 'must be letters, digits, ".", "-" or "_", starting and ending with a letter or digit');

/** Label values are strings; YAML may have read `yes` or `1` as something else. */
const labelValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const labels = z.record(z.string(), labelValue);

export const metadataSchema = z
  .object({
    name,
    namespace: z.string().optional(),
    labels: labels.optional(),
    annotations: z.record(z.string(), labelValue).optional(),
  })
  .strict();
export type ResourceMetadata = z.infer<typeof metadataSchema>;

/**
 * Flex writes rule headers as a map; Gatehouse's rule schema takes a list of maps. A header
 * value YAML reads as a boolean or number (`x-test: true`, `x-version: 2`) is a regex of its text.
 */
const ruleSchema = z.preprocess((value) => {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const headers = (value as Record<string, unknown>).headers;
    if (headers && typeof headers === 'object') return { ...value, headers: (Array.isArray(headers) ? headers : [headers]).map(headerValuesAsText) };
  }
  return value;
}, policyRuleSchema);

function headerValuesAsText(entry: unknown): unknown {
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return entry;
  return Object.fromEntries(Object.entries(entry).map(([name, v]) => [name, typeof v === 'boolean' || typeof v === 'number' ? String(v) : v]));
}
export const rulesSchema = z.array(ruleSchema);

const policyRefSchema = z
  .object({ name: z.string().min(1), namespace: z.string().optional(), kind: z.string().optional() })
  .strict();

/** A policy as written inline under `ApiInstance.spec.policies`. */
export const inlinePolicySchema = z
  .object({
    policyRef: policyRefSchema,
    config: z.record(z.string(), z.unknown()).nullish(),
    order: z.number().int().optional(),
    rules: rulesSchema.optional(),
  })
  .strict();
export type InlinePolicy = z.infer<typeof inlinePolicySchema>;

const routeSchema = z
  .object({
    rules: rulesSchema.optional(),
    config: z.object({ destinationPath: z.string().optional() }).strict().nullish(),
  })
  .strict();

const inlineServiceSchema = z
  .object({
    address: z.string().min(1),
    routes: z.array(routeSchema).optional(),
  })
  .strict();

export const apiInstanceSpecSchema = z
  .object({
    address: z.string().min(1),
    services: z.record(z.string(), inlineServiceSchema).nullish(),
    policies: z.array(inlinePolicySchema).nullish(),
  })
  .strict();

export const serviceSpecSchema = z.object({ address: z.string().min(1) }).strict();

/**
 * Flex's custom policy resource. A definition extends `extension-definition` (plus a category
 * such as `extension-authentication`) and declares its config as JSON Schema (`properties`,
 * `required`); an implementation extends a definition by name and carries the code: `wasm` in
 * Flex (cannot run here), `source` (a .ts/.js file or folder, relative to the YAML file) in
 * Gatehouse, which may also sit on the definition itself. See extensions.ts.
 */
export const extensionSpecSchema = z
  .object({
    extends: z.array(z.object({ name: z.string().min(1), namespace: z.string().optional() }).strict()).min(1, 'needs at least one entry: `- name: extension-definition` for a policy definition'),
    properties: z.record(z.string(), z.unknown()).optional(),
    required: z.array(z.string()).optional(),
    /** Gatehouse: the TypeScript or JavaScript policy (file or folder), relative to this file. */
    source: z.string().min(1).optional(),
    /** Flex: the WebAssembly implementation (any form); reported, never run. */
    wasm: z.unknown().optional(),
    order: z.number().int().optional(),
  })
  .strict();

const selectorSchema = z
  .object({
    kind: z.enum(['ApiInstance', 'Service']).optional(),
    labels: labels.optional(),
    matchLabels: labels.optional(),
  })
  .strict();

export const targetRefSchema = z
  .object({
    kind: z.enum(['ApiInstance', 'Service', 'Selector']).optional(),
    name: z.string().min(1).optional(),
    namespace: z.string().optional(),
    selector: selectorSchema.optional(),
    /** Shorthand some users write instead of `selector.labels`. */
    matchLabels: labels.optional(),
  })
  .strict()
  .superRefine((ref, ctx) => {
    const bySelector = ref.selector !== undefined || ref.matchLabels !== undefined || ref.kind === 'Selector';
    if (ref.name === undefined && !bySelector) {
      ctx.addIssue({ code: 'custom', message: 'needs a target: `name` (an ApiInstance or Service) or a `selector` with labels' });
    }
    if (ref.name !== undefined && bySelector) {
      ctx.addIssue({ code: 'custom', message: 'give either `name` or a `selector`, not both' });
    }
  });
export type TargetRef = z.infer<typeof targetRefSchema>;

export const policyBindingSpecSchema = z
  .object({
    targetRef: targetRefSchema,
    policyRef: policyRefSchema,
    config: z.record(z.string(), z.unknown()).nullish(),
    order: z.number().int().optional(),
    rules: rulesSchema.optional(),
  })
  .strict();

/** Flex has many Configuration sections (logging, tracing, forward proxy…): keep them all. */
export const configurationSpecSchema = z
  .object({
    sharedStorage: z
      .object({
        redis: z
          .object({
            address: z.string().min(1),
            username: z.string().optional(),
            password: z.string().optional(),
            db: z.number().int().min(0).optional(),
            /** Flex spells it `DB`. */
            DB: z.number().int().min(0).optional(),
          })
          .passthrough()
          .optional(),
      })
      .passthrough()
      .optional(),
    logging: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

export const gatewaySpecSchema = z
  .object({
    mode: z.enum(['embedded', 'docker']).default('embedded'),
    // A string of digits too: what `${GATEHOUSE_GATEWAY_PORT:-8081}` in a portable export becomes.
    port: z.preprocess((value) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value), z.number().int().min(1).max(65535)).optional(),
    replicas: z.number().int().min(0).optional(),
  })
  .passthrough();

export const slaTierSpecSchema = z
  .object({
    apiRef: z.object({ name: z.string().min(1) }).strict(),
    limits: z.array(rateLimitWindowSchema).min(1),
    approval: z.enum(['automatic', 'manual']).default('automatic'),
    status: z.enum(['active', 'deprecated']).default('active'),
    description: z.string().optional(),
  })
  .strict();

export const applicationSpecSchema = z
  .object({
    clientId: z.string().min(1),
    clientSecret: z.string().min(1).optional(),
    clientSecretHash: z.string().min(1).optional(),
    description: z.string().optional(),
  })
  .strict()
  .superRefine((app, ctx) => {
    if ((app.clientSecret === undefined) === (app.clientSecretHash === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of clientSecret (plain or $ENV) and clientSecretHash' });
    }
  });

export const contractSpecSchema = z
  .object({
    /** The Application's metadata.name or its clientId. */
    application: z.string().min(1),
    /** The ApiInstance's metadata.name. */
    api: z.string().min(1),
    /** The SlaTier's metadata.name. */
    tier: z.string().min(1).optional(),
    status: z.enum(['pending', 'approved', 'revoked']).default('approved'),
  })
  .strict();

/**
 * An alert rule as `gatehouse export` writes it: the REST rule's fields (same names, same
 * defaults), with its scope by resource name: `api` (an ApiInstance) or `gateway` (a Gateway).
 */
export const alertRuleSpecSchema = alertRuleCreateSchema
  .omit({ name: true, apiId: true, gatewayId: true })
  .extend({ api: z.string().min(1).optional(), gateway: z.string().min(1).optional() });

export const SPEC_SCHEMAS = {
  [FLEX_API_VERSION]: {
    ApiInstance: apiInstanceSpecSchema,
    Service: serviceSpecSchema,
    PolicyBinding: policyBindingSpecSchema,
    Configuration: configurationSpecSchema,
    Extension: extensionSpecSchema,
  },
  [FLEX_V1BETA1_API_VERSION]: {
    Configuration: configurationSpecSchema,
  },
  [GATEHOUSE_API_VERSION]: {
    Gateway: gatewaySpecSchema,
    SlaTier: slaTierSpecSchema,
    Application: applicationSpecSchema,
    Contract: contractSpecSchema,
    AlertRule: alertRuleSpecSchema,
    Mock: mockSpecSchema,
  },
} as const;

type Specs = typeof SPEC_SCHEMAS;
type FlexKinds = keyof Specs[typeof FLEX_API_VERSION];
type GatehouseKinds = keyof Specs[typeof GATEHOUSE_API_VERSION];
export type ResourceKind = FlexKinds | GatehouseKinds;

export type SpecOf<K extends ResourceKind> = K extends FlexKinds
  ? z.output<Specs[typeof FLEX_API_VERSION][K]>
  : K extends GatehouseKinds
    ? z.output<Specs[typeof GATEHOUSE_API_VERSION][K]>
    : never;

/** The API version a kind belongs to (the first, for a kind Flex also reads as v1beta1). */
export function apiVersionOfKind(kind: string): string | undefined {
  for (const [version, kinds] of Object.entries(SPEC_SCHEMAS)) if (kind in kinds) return version;
  return undefined;
}

export function kindsOf(apiVersion: string): string[] {
  const kinds = (SPEC_SCHEMAS as Record<string, Record<string, unknown>>)[apiVersion];
  return kinds ? Object.keys(kinds) : [];
}

export function specSchemaFor(apiVersion: string, kind: string): z.ZodType | undefined {
  const kinds = (SPEC_SCHEMAS as Record<string, Record<string, z.ZodType>>)[apiVersion];
  return kinds?.[kind];
}
