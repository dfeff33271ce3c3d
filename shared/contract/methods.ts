/**
 * The typed contract: every method the renderer, the tray and scripts can call, written once.
 * The HTTP adapter (main/server) and the IPC adapter (main/electron) are generated from this
 * table by a loop; the renderer's client is typed by it.
 *
 * Each entry: `input` (one zod object: path params + query + body merged), `output` (zod
 * schema of the result) and `http` (its REST route under /api/v1; `{name}` placeholders are
 * input fields). A method's input is validated once, at the adapter, before the handler runs.
 */
import { z } from 'zod';
import { ContractError } from './errors';
import {
  alertEventSchema,
  alertRuleCreateSchema,
  alertRulePatchSchema,
  alertRuleSchema,
  apiCreateSchema,
  apiPatchSchema,
  apiSchema,
  applicationCreateSchema,
  applicationPatchSchema,
  applicationSchema,
  applicationWithSecretSchema,
  catalogueItemSchema,
  cleanupOrphansSchema,
  configImportResultSchema,
  contractCreateSchema,
  contractPatchSchema,
  contractSchema,
  contractStatusSchema,
  gatewayCreateSchema,
  gatewayPatchSchema,
  gatewaySchema,
  orphanContainerSchema,
  policyBindingSchema,
  policyCreateSchema,
  policyPatchSchema,
  replicaLogLineSchema,
  replicaLogsQuerySchema,
  replicaTokenSchema,
  settingsPatchSchema,
  settingsSchema,
  slaTierCreateSchema,
  slaTierPatchSchema,
  slaTierSchema,
  systemInfoSchema,
  trafficStateSchema,
  tryRequestSchema,
  tryResultSchema,
} from './models';
import { trafficBodiesSchema } from './capture-models';
import { breakpointConfigInputSchema, breakpointEditSchema, breakpointResponseSchema, breakpointStateSchema, pausedMessageSchema } from './breakpoints';
import { customPolicyAddSchema, customPolicyInfoSchema } from './custom-policies';
import { mockSettingsPatchSchema, mockSettingsSchema, recordingFileSchema, recordingSummarySchema } from '../mocks/mock-models';
import { apiOperationsSchema, savedRequestNameSchema, savedRequestSaveSchema, savedRequestSchema } from '../collections/collection-models';
import { apiMetricsSchema, metricsQuerySchema, trafficEntrySchema, trafficQuerySchema } from './telemetry-models';
import { configImportModeSchema, environmentInputSchema, environmentNameSchema, environmentSchema } from './config-models';
import {
  inspectRequestSchema,
  jwksSchema,
  mintedTokenSchema,
  mintRequestSchema,
  signingAlgorithmSchema,
  signingKeyCreatedSchema,
  signingKeyListSchema,
  tokenInspectionSchema,
  useKeyInPolicySchema,
} from './token-models';

export type HttpVerb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRoute {
  method: HttpVerb;
  /** Below /api/v1, e.g. `/apis/{id}`; each `{name}` is a field of the input. */
  path: string;
  /** Success status: 200 unless given (201 for creates, 204 for deletes). */
  status?: 200 | 201 | 204;
  /** `yaml`: the raw request body (text) becomes the input's `yaml` field. */
  body?: 'yaml';
  /** `yaml`: the output is a string sent as `application/yaml`. */
  response?: 'yaml';
  /** Served without the admin token (public data only, e.g. a JWKS a gateway fetches). */
  public?: true;
}

export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, H extends HttpRoute = HttpRoute> {
  summary: string;
  input: I;
  output: O;
  http: H;
}

/** Keeps each entry's literal types (the route path above all) for type-level checks. */
// `H & HttpRoute`: literal paths for type checks, yet every optional field readable on any entry.
function method<I extends z.ZodType, O extends z.ZodType, const H extends HttpRoute>(spec: MethodSpec<I, O, H>): MethodSpec<I, O, H & HttpRoute> {
  return spec;
}

const id = z.string().min(1);
const none = z.object({});
const byId = z.object({ id });
const nothing = z.void();

export const contractMethods = {
  // APIs
  'apis.list': method({ summary: 'List APIs', input: z.object({ gatewayId: id.optional() }), output: z.array(apiSchema), http: { method: 'GET', path: '/apis' } }),
  'apis.get': method({ summary: 'Get an API', input: byId, output: apiSchema, http: { method: 'GET', path: '/apis/{id}' } }),
  'apis.create': method({ summary: 'Create an API', input: apiCreateSchema, output: apiSchema, http: { method: 'POST', path: '/apis', status: 201 } }),
  'apis.update': method({ summary: 'Change an API', input: apiPatchSchema.extend({ id }), output: apiSchema, http: { method: 'PATCH', path: '/apis/{id}' } }),
  'apis.remove': method({ summary: 'Delete an API and its policies', input: byId, output: nothing, http: { method: 'DELETE', path: '/apis/{id}', status: 204 } }),

  // Policy bindings of an API
  'policies.list': method({ summary: "List an API's policies in run order", input: z.object({ apiId: id }), output: z.array(policyBindingSchema), http: { method: 'GET', path: '/apis/{apiId}/policies' } }),
  'policies.add': method({ summary: 'Add a policy to an API', input: policyCreateSchema.extend({ apiId: id }), output: policyBindingSchema, http: { method: 'POST', path: '/apis/{apiId}/policies', status: 201 } }),
  'policies.update': method({ summary: 'Change a policy binding', input: policyPatchSchema.extend({ apiId: id, policyId: id }), output: policyBindingSchema, http: { method: 'PATCH', path: '/apis/{apiId}/policies/{policyId}' } }),
  'policies.remove': method({ summary: 'Remove a policy binding', input: z.object({ apiId: id, policyId: id }), output: nothing, http: { method: 'DELETE', path: '/apis/{apiId}/policies/{policyId}', status: 204 } }),
  'policies.reorder': method({
    summary: "Set the run order of an API's policies (every binding id, first runs first)",
    input: z.strictObject({ apiId: id, order: z.array(id).min(1) }),
    output: z.array(policyBindingSchema),
    http: { method: 'PUT', path: '/apis/{apiId}/policies/order' },
  }),
  'catalogue.list': method({ summary: 'List the policy catalogue', input: none, output: z.array(catalogueItemSchema), http: { method: 'GET', path: '/catalogue' } }),

  // Custom policies (TypeScript/JavaScript files written with the policy SDK)
  'customPolicies.list': method({
    summary: 'Custom policies added to the app: source, version, schema, load error (file:line), the APIs using each',
    input: none,
    output: z.array(customPolicyInfoSchema),
    http: { method: 'GET', path: '/custom-policies' },
  }),
  'customPolicies.add': method({ summary: 'Add a custom policy from a file or folder (compiled and watched)', input: customPolicyAddSchema, output: customPolicyInfoSchema, http: { method: 'POST', path: '/custom-policies', status: 201 } }),
  'customPolicies.reload': method({ summary: 'Compile and load a custom policy again from its file', input: byId, output: customPolicyInfoSchema, http: { method: 'POST', path: '/custom-policies/{id}/reload' } }),
  'customPolicies.remove': method({ summary: 'Remove a custom policy (refused while APIs use it)', input: byId, output: nothing, http: { method: 'DELETE', path: '/custom-policies/{id}', status: 204 } }),

  // Gateways
  'gateways.list': method({ summary: 'List gateways', input: none, output: z.array(gatewaySchema), http: { method: 'GET', path: '/gateways' } }),
  'gateways.get': method({ summary: 'Get a gateway', input: byId, output: gatewaySchema, http: { method: 'GET', path: '/gateways/{id}' } }),
  'gateways.create': method({ summary: 'Create a gateway', input: gatewayCreateSchema, output: gatewaySchema, http: { method: 'POST', path: '/gateways', status: 201 } }),
  'gateways.update': method({ summary: 'Change a gateway', input: gatewayPatchSchema.extend({ id }), output: gatewaySchema, http: { method: 'PATCH', path: '/gateways/{id}' } }),
  'gateways.remove': method({ summary: 'Delete a gateway', input: byId, output: nothing, http: { method: 'DELETE', path: '/gateways/{id}', status: 204 } }),
  'gateways.start': method({ summary: 'Start a gateway', input: byId, output: gatewaySchema, http: { method: 'POST', path: '/gateways/{id}/start' } }),
  'gateways.stop': method({ summary: 'Stop a gateway', input: byId, output: gatewaySchema, http: { method: 'POST', path: '/gateways/{id}/stop' } }),
  // Docker gateways and connected replicas (issue 6)
  'gateways.logs': method({ summary: "A replica's recent log lines (docker gateways)", input: replicaLogsQuerySchema, output: z.array(replicaLogLineSchema), http: { method: 'GET', path: '/gateways/{id}/replicas/{index}/logs' } }),
  'gateways.rotateToken': method({
    summary: "Issue a new replica token for a gateway (shown once; the previous token stops working)",
    input: byId,
    output: replicaTokenSchema,
    http: { method: 'POST', path: '/gateways/{id}/token' },
  }),
  'gateways.revokeToken': method({ summary: "Revoke a gateway's replica token", input: byId, output: nothing, http: { method: 'DELETE', path: '/gateways/{id}/token', status: 204 } }),
  'gateways.orphans': method({ summary: 'Containers labelled as Gatehouse replicas whose gateway no longer exists', input: none, output: z.array(orphanContainerSchema), http: { method: 'GET', path: '/docker/orphans' } }),
  'gateways.cleanupOrphans': method({ summary: 'Remove orphaned replica containers', input: cleanupOrphansSchema, output: z.array(orphanContainerSchema), http: { method: 'POST', path: '/docker/orphans/cleanup' } }),

  // Applications (API consumers)
  'applications.list': method({ summary: 'List applications', input: none, output: z.array(applicationSchema), http: { method: 'GET', path: '/applications' } }),
  'applications.get': method({ summary: 'Get an application', input: byId, output: applicationSchema, http: { method: 'GET', path: '/applications/{id}' } }),
  'applications.create': method({ summary: 'Create an application (the secret is shown once)', input: applicationCreateSchema, output: applicationWithSecretSchema, http: { method: 'POST', path: '/applications', status: 201 } }),
  'applications.update': method({ summary: 'Rename or describe an application', input: applicationPatchSchema.extend({ id }), output: applicationSchema, http: { method: 'PATCH', path: '/applications/{id}' } }),
  'applications.remove': method({ summary: 'Delete an application and its contracts', input: byId, output: nothing, http: { method: 'DELETE', path: '/applications/{id}', status: 204 } }),
  'applications.regenerateSecret': method({ summary: 'Replace the client secret (shown once)', input: byId, output: applicationWithSecretSchema, http: { method: 'POST', path: '/applications/{id}/secret' } }),

  // SLA tiers
  'slaTiers.list': method({ summary: 'List SLA tiers', input: z.object({ apiId: id.optional() }), output: z.array(slaTierSchema), http: { method: 'GET', path: '/sla-tiers' } }),
  'slaTiers.create': method({ summary: 'Create an SLA tier', input: slaTierCreateSchema, output: slaTierSchema, http: { method: 'POST', path: '/sla-tiers', status: 201 } }),
  'slaTiers.update': method({ summary: 'Change or deprecate an SLA tier', input: slaTierPatchSchema.extend({ id }), output: slaTierSchema, http: { method: 'PATCH', path: '/sla-tiers/{id}' } }),
  'slaTiers.remove': method({ summary: 'Delete an SLA tier not used by any contract', input: byId, output: nothing, http: { method: 'DELETE', path: '/sla-tiers/{id}', status: 204 } }),

  // Contracts (application × API × tier)
  'contracts.list': method({
    summary: 'List contracts',
    input: z.object({ apiId: id.optional(), applicationId: id.optional(), status: contractStatusSchema.optional() }),
    output: z.array(contractSchema),
    http: { method: 'GET', path: '/contracts' },
  }),
  'contracts.create': method({ summary: 'Request a contract', input: contractCreateSchema, output: contractSchema, http: { method: 'POST', path: '/contracts', status: 201 } }),
  'contracts.update': method({ summary: 'Approve, revoke or restore a contract, or change its tier', input: contractPatchSchema.extend({ id }), output: contractSchema, http: { method: 'PATCH', path: '/contracts/{id}' } }),

  // Alerts
  'alertRules.list': method({ summary: 'List alert rules', input: z.object({ apiId: id.optional(), gatewayId: id.optional() }), output: z.array(alertRuleSchema), http: { method: 'GET', path: '/alert-rules' } }),
  'alertRules.create': method({ summary: 'Create an alert rule', input: alertRuleCreateSchema, output: alertRuleSchema, http: { method: 'POST', path: '/alert-rules', status: 201 } }),
  'alertRules.update': method({ summary: 'Change, enable or mute an alert rule', input: alertRulePatchSchema.extend({ id }), output: alertRuleSchema, http: { method: 'PATCH', path: '/alert-rules/{id}' } }),
  'alertRules.remove': method({ summary: 'Delete an alert rule', input: byId, output: nothing, http: { method: 'DELETE', path: '/alert-rules/{id}', status: 204 } }),
  'alertEvents.list': method({
    summary: 'Alert history, newest first',
    input: z.object({ ruleId: id.optional(), apiId: id.optional(), limit: z.number().int().min(1).max(1000).default(100) }),
    output: z.array(alertEventSchema),
    http: { method: 'GET', path: '/alert-events' },
  }),

  // Telemetry
  'metrics.get': method({ summary: "An API's metrics over the last `window` seconds", input: metricsQuerySchema, output: apiMetricsSchema, http: { method: 'GET', path: '/apis/{apiId}/metrics' } }),
  'traffic.list': method({ summary: 'Requests in the request log matching the filters (API, status, method, path, client, source, time, text), newest first', input: trafficQuerySchema, output: z.array(trafficEntrySchema), http: { method: 'GET', path: '/traffic' } }),
  'traffic.bodies': method({ summary: "A traffic entry's captured request and response bodies (base64, decoded when content-encoded)", input: byId, output: trafficBodiesSchema, http: { method: 'GET', path: '/traffic/{id}/bodies' } }),
  'traffic.pause': method({
    summary: 'Pause all traffic: every gateway, replicas included, answers 503 TRAFFIC_PAUSED until resumed',
    input: none,
    output: trafficStateSchema,
    http: { method: 'POST', path: '/traffic/pause' },
  }),
  'traffic.resume': method({ summary: 'Resume traffic after a pause', input: none, output: trafficStateSchema, http: { method: 'POST', path: '/traffic/resume' } }),

  // Declarative config (YAML, DESIGN.md's format)
  'config.export': method({ summary: 'The whole setup as YAML', input: none, output: z.string(), http: { method: 'GET', path: '/config', response: 'yaml' } }),
  'config.import': method({
    summary: 'Import a YAML setup, all or nothing: merge (add/update) or sync (also remove what the file lacks); dryRun only previews the changes',
    input: z.strictObject({
      yaml: z.string().min(1, 'the document is empty'),
      mode: configImportModeSchema.default('sync'),
      dryRun: z.boolean().default(false),
      /** A stored environment whose variables fill the file's ${VARIABLE}s. */
      environment: environmentNameSchema.optional(),
    }),
    output: configImportResultSchema,
    http: { method: 'PUT', path: '/config', body: 'yaml' },
  }),
  'environments.list': method({ summary: 'Named variable sets for imports (secret values never shown)', input: none, output: z.array(environmentSchema), http: { method: 'GET', path: '/environments' } }),
  'environments.put': method({ summary: 'Create or replace an environment', input: environmentInputSchema, output: environmentSchema, http: { method: 'PUT', path: '/environments/{name}' } }),
  'environments.remove': method({ summary: 'Delete an environment', input: z.object({ name: environmentNameSchema }), output: nothing, http: { method: 'DELETE', path: '/environments/{name}', status: 204 } }),

  // Token workbench (issue 13): signing keys per API, their JWKS, test tokens
  'tokens.listKeys': method({ summary: "An API's signing keys (public parts) and its JWKS URL", input: z.object({ apiId: id }), output: signingKeyListSchema, http: { method: 'GET', path: '/apis/{apiId}/signing-keys' } }),
  'tokens.generateKey': method({
    summary: 'Generate a signing key for an API (an HMAC secret is shown once)',
    input: z.strictObject({ apiId: id, alg: signingAlgorithmSchema }),
    output: signingKeyCreatedSchema,
    http: { method: 'POST', path: '/apis/{apiId}/signing-keys', status: 201 },
  }),
  'tokens.removeKey': method({ summary: 'Delete a signing key (gateways refuse its tokens once their cached JWKS expires)', input: z.object({ apiId: id, kid: id }), output: nothing, http: { method: 'DELETE', path: '/apis/{apiId}/signing-keys/{kid}', status: 204 } }),
  'tokens.jwks': method({ summary: "The API's public signing keys as a JWKS (no token needed)", input: z.object({ apiId: id }), output: jwksSchema, http: { method: 'GET', path: '/apis/{apiId}/jwks.json', public: true } }),
  'tokens.useKeyInPolicy': method({
    summary: 'Point a jwt-validation-flex binding at a signing key (its JWKS URL, or the HMAC secret as textKey)',
    input: useKeyInPolicySchema,
    output: policyBindingSchema,
    http: { method: 'POST', path: '/apis/{apiId}/policies/{policyId}/signing-key' },
  }),
  'tokens.mint': method({ summary: "Sign a test token with one of the API's keys", input: mintRequestSchema, output: mintedTokenSchema, http: { method: 'POST', path: '/apis/{apiId}/tokens' } }),
  'tokens.inspect': method({
    summary: "Decode a token and run every check of the API's jwt-validation-flex policies on it",
    input: inspectRequestSchema,
    output: tokenInspectionSchema,
    http: { method: 'POST', path: '/apis/{apiId}/tokens/inspect' },
  }),

  // Mocks and recordings (issue 15)
  'mocks.get': method({ summary: "An API's mock: mode, source, hand-written routes, record switch", input: z.object({ apiId: id }), output: mockSettingsSchema, http: { method: 'GET', path: '/apis/{apiId}/mock' } }),
  'mocks.update': method({
    summary: "Change an API's mock (mode off/only/fallback, source, routes) or its record switch",
    input: mockSettingsPatchSchema.extend({ apiId: id }),
    output: mockSettingsSchema,
    http: { method: 'PATCH', path: '/apis/{apiId}/mock' },
  }),
  'mocks.putOpenApi': method({
    summary: 'Keep an OpenAPI 3 document (JSON or YAML text) with the API; its examples can answer as the mock',
    input: z.object({ apiId: id, document: z.string().min(1).max(10 * 1024 * 1024) }),
    output: mockSettingsSchema,
    http: { method: 'PUT', path: '/apis/{apiId}/openapi' },
  }),
  'recordings.list': method({ summary: "An API's recordings, newest first", input: z.object({ apiId: id }), output: z.array(recordingSummarySchema), http: { method: 'GET', path: '/apis/{apiId}/recordings' } }),
  'recordings.export': method({ summary: 'A recording as a file (gatehouse-recording/v1 JSON)', input: z.object({ apiId: id, recordingId: id }), output: recordingFileSchema, http: { method: 'GET', path: '/apis/{apiId}/recordings/{recordingId}' } }),
  'recordings.import': method({
    summary: 'Add a recording from a file; a recording of the same name is replaced',
    input: z.object({ apiId: id, file: recordingFileSchema }),
    output: recordingSummarySchema,
    http: { method: 'POST', path: '/apis/{apiId}/recordings', status: 201 },
  }),
  'recordings.remove': method({ summary: 'Delete a recording', input: z.object({ apiId: id, recordingId: id }), output: nothing, http: { method: 'DELETE', path: '/apis/{apiId}/recordings/{recordingId}', status: 204 } }),

  // Collections (issue 15): the kept OpenAPI document's operations, and requests saved per API
  'collections.operations': method({
    summary: "The operations of the API's kept OpenAPI document (parameters, a body to start from), grouped by tag; none when no document is kept",
    input: z.object({ apiId: id }),
    output: apiOperationsSchema,
    http: { method: 'GET', path: '/apis/{apiId}/operations' },
  }),
  'savedRequests.list': method({ summary: "An API's saved requests, by name", input: z.object({ apiId: id }), output: z.array(savedRequestSchema), http: { method: 'GET', path: '/apis/{apiId}/saved-requests' } }),
  'savedRequests.save': method({
    summary: 'Save a request under a name; a saved request of the same name on this API is replaced',
    input: savedRequestSaveSchema.extend({ apiId: id }),
    output: savedRequestSchema,
    http: { method: 'POST', path: '/apis/{apiId}/saved-requests' },
  }),
  'savedRequests.rename': method({
    summary: 'Rename a saved request',
    input: z.object({ apiId: id, requestId: id, name: savedRequestNameSchema }),
    output: savedRequestSchema,
    http: { method: 'PATCH', path: '/apis/{apiId}/saved-requests/{requestId}' },
  }),
  'savedRequests.remove': method({ summary: 'Delete a saved request', input: z.object({ apiId: id, requestId: id }), output: nothing, http: { method: 'DELETE', path: '/apis/{apiId}/saved-requests/{requestId}', status: 204 } }),

  // Breakpoints (issue 15): embedded gateway only; rules live in memory
  'breakpoints.get': method({ summary: 'Breakpoint rules, the paused-message timeout, and the messages paused right now', input: none, output: breakpointStateSchema, http: { method: 'GET', path: '/breakpoints' } }),
  'breakpoints.set': method({
    summary: 'Replace the breakpoint rules (method, path regex, header; on request and/or response) and optionally the timeout after which a paused message resumes unchanged',
    input: breakpointConfigInputSchema,
    output: breakpointStateSchema,
    http: { method: 'PUT', path: '/breakpoints' },
  }),
  'breakpoints.paused': method({ summary: 'A paused message in full: the request as the upstream gets it, or the response as the client would', input: byId, output: pausedMessageSchema, http: { method: 'GET', path: '/breakpoints/paused/{id}' } }),
  'breakpoints.resume': method({
    summary: 'Let a paused message go on, with the edits given (method, url, headers, body for a request; status, headers, body for a response)',
    input: breakpointEditSchema.extend({ id }),
    output: breakpointStateSchema,
    http: { method: 'POST', path: '/breakpoints/paused/{id}/resume' },
  }),
  'breakpoints.respond': method({ summary: 'Answer a paused message with this response instead of the upstream\'s', input: breakpointResponseSchema.extend({ id }), output: breakpointStateSchema, http: { method: 'POST', path: '/breakpoints/paused/{id}/respond' } }),
  'breakpoints.drop': method({ summary: 'Drop a paused message: its connection closes without an answer', input: byId, output: breakpointStateSchema, http: { method: 'POST', path: '/breakpoints/paused/{id}/drop' } }),

  // Try it
  'try.send': method({ summary: "Send a request through the gateway and show each policy decision (target 'upstream': straight to the API's upstream, no policies)", input: tryRequestSchema, output: tryResultSchema, http: { method: 'POST', path: '/try' } }),

  // Settings and system
  'settings.get': method({ summary: 'App settings', input: none, output: settingsSchema, http: { method: 'GET', path: '/settings' } }),
  'settings.update': method({ summary: 'Change app settings', input: settingsPatchSchema, output: settingsSchema, http: { method: 'PATCH', path: '/settings' } }),
  'system.info': method({ summary: 'Version, data dir, token file, ports, Docker status', input: none, output: systemInfoSchema, http: { method: 'GET', path: '/system' } }),
  'demo.start': method({
    summary: 'Start the bundled demo API (JSONPlaceholder-like) unless it already runs; returns its URL',
    input: none,
    output: z.object({ url: z.string(), started: z.boolean() }),
    http: { method: 'POST', path: '/demo/start' },
  }),
};

export type ContractMethods = typeof contractMethods;
export type MethodName = keyof ContractMethods;
/** What a caller sends (defaults may be omitted). */
export type MethodInput<M extends MethodName> = z.input<ContractMethods[M]['input']>;
/** What a handler receives: validated, defaults filled, transforms applied. */
export type ParsedInput<M extends MethodName> = z.output<ContractMethods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<ContractMethods[M]['output']>;

export const methodNames = Object.keys(contractMethods) as MethodName[];

export function isMethodName(value: string): value is MethodName {
  return Object.prototype.hasOwnProperty.call(contractMethods, value);
}

/** Who is calling; handlers may ignore it. */
export interface CallContext {
  transport: 'http' | 'ipc' | 'internal';
}

/** The control plane implements this object; each adapter validates input, then calls it. */
export type ContractHandlers = {
  [M in MethodName]: (input: ParsedInput<M>, context: CallContext) => Promise<MethodOutput<M>>;
};

/** The object shape behind an input schema (inputs are objects, possibly with a transform). */
export function inputShape(schema: z.ZodType): Record<string, z.ZodType> {
  const def = (schema as unknown as { def: { type: string; in?: z.ZodType; shape?: Record<string, z.ZodType> } }).def;
  if (def.type === 'pipe' && def.in) return inputShape(def.in);
  if (def.type === 'object' && def.shape) return def.shape;
  return {};
}

/** `{id}` placeholders of a route path, in order. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z][A-Za-z0-9]*)\}/g)].map((m) => m[1]!);
}

/**
 * Validates a method's input; the ContractError names every bad field. Shared by both
 * adapters so IPC and HTTP reject exactly the same inputs.
 */
export function parseInput<M extends MethodName>(name: M, input: unknown): ParsedInput<M> {
  const result = contractMethods[name].input.safeParse(input ?? {});
  if (!result.success) throw ContractError.fromZod(result.error);
  return result.data as ParsedInput<M>;
}
