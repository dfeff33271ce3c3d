import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SUPPORTED_EXPRESSIONS } from '../expressions';
import { findPolicy, policyCatalogue } from './catalogue';
import { credentialsOriginOf } from './client-id-enforcement';

interface FormSchema {
  type?: string;
  properties?: Record<string, FormSchema>;
  items?: FormSchema;
  enum?: unknown[];
  anyOf?: FormSchema[];
  const?: unknown;
}

/** Every field the form shows: properties, nested objects and the fields of object-list items. */
function formFieldPaths(schema: FormSchema, prefix = ''): { path: string; values?: unknown[] }[] {
  const out: { path: string; values?: unknown[] }[] = [];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const values = child.enum ?? (child.anyOf?.every((option) => option.const !== undefined) ? child.anyOf.map((option) => option.const) : undefined);
    out.push({ path, ...(values ? { values } : {}) });
    if (child.type === 'object' && child.properties) out.push(...formFieldPaths(child, path));
    if (child.type === 'array' && child.items?.type === 'object' && child.items.properties) out.push(...formFieldPaths(child.items, path));
  }
  return out;
}

function issues(name: string, config: unknown) {
  const result = findPolicy(name)!.schema.safeParse(config);
  if (result.success) throw new Error(`expected ${name} to reject ${JSON.stringify(config)}`);
  return result.error.issues;
}

describe('policy catalogue', () => {
  it('lists every policy of issues 2 and 3 once, by its Flex name', () => {
    const names = policyCatalogue.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        'rate-limiting-flex', 'rate-limiting-sla-based-flex', 'spike-control-flex', 'response-timeout-flex',
        'http-basic-authentication-flex', 'client-id-enforcement-flex', 'ip-allowlist-flex', 'ip-blocklist-flex',
        'cors-flex', 'header-injection-flex', 'header-removal-flex', 'tls', 'tls-outbound', 'health-check-flex', 'request-handling',
      ]),
    );
    expect(findPolicy('no-such-policy')).toBeUndefined();
  });

  it.each(policyCatalogue.map((entry) => [entry.name, entry] as const))('%s: defaults pass, has texts, and has a JSON Schema for the form', (_name, entry) => {
    // Only what the user alone knows (credentials, their server's URL) may be missing.
    const parsed = entry.schema.safeParse(entry.defaults);
    for (const issue of parsed.error?.issues ?? []) expect(entry.fields?.[String(issue.path[0])]?.userSupplied, `${entry.name}: ${issue.path.join('.')} ${issue.message}`).toBe(true);
    expect(entry.title.length).toBeGreaterThan(2);
    expect(entry.description.length).toBeGreaterThan(20);
    const json = z.toJSONSchema(entry.schema, { io: 'input' }) as { type?: string; properties?: Record<string, { description?: string }>; additionalProperties?: unknown };
    expect(json.type).toBe('object');
    expect(json.additionalProperties).toBe(false);
    for (const [key, property] of Object.entries(json.properties ?? {})) expect(property.description, `${entry.name}.${key} has no description`).toBeTruthy();
  });

  it.each(policyCatalogue.map((entry) => [entry.name, entry] as const))('%s: every form field has a human label; enum values have option labels', (_name, entry) => {
    const paths = formFieldPaths(z.toJSONSchema(entry.schema, { io: 'input', unrepresentable: 'any' }) as FormSchema);
    for (const { path, values } of paths) {
      const ui = entry.fields?.[path];
      expect(ui?.label, `${entry.name}: field ${path} has no label in the catalogue entry's fields`).toBeTruthy();
      expect(ui!.label).not.toMatch(/[a-z][A-Z]/);
      if (values && !ui!.hidden && values.some((value) => /[a-z][A-Z]/.test(String(value))))
        for (const value of values) expect(ui!.options?.[String(value)], `${entry.name}: ${path} option ${String(value)} has no label`).toBeTruthy();
    }
    // No stale labels for fields that no longer exist.
    expect(Object.keys(entry.fields ?? {}).sort()).toEqual(paths.map((p) => p.path).sort());
  });

  it.each(policyCatalogue.map((entry) => [entry.name, entry] as const))('%s: nothing only the user knows is pre-filled', (_name, entry) => {
    for (const [path, ui] of Object.entries(entry.fields ?? {})) if (ui.userSupplied) expect((entry.defaults as Record<string, unknown>)[path], `${entry.name}.${path}`).toBeUndefined();
  });

  it.each(policyCatalogue.map((entry) => [entry.name, entry] as const))('%s: an unknown key is an error naming it', (_name, entry) => {
    const result = entry.schema.safeParse({ ...(entry.defaults as object), maximumRequestz: 1 });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error!.issues)).toContain('maximumRequestz');
  });

  it('fills in Flex defaults', () => {
    expect(findPolicy('rate-limiting-flex')!.schema.parse({ rateLimits: [{ maximumRequests: 5, timePeriodInMilliseconds: 1000 }] })).toEqual({
      rateLimits: [{ maximumRequests: 5, timePeriodInMilliseconds: 1000 }],
      exposeHeaders: false,
      clusterizable: true,
    });
    expect(findPolicy('spike-control-flex')!.schema.parse({})).toEqual({
      maximumRequests: 1, timePeriodInMilliseconds: 1000, delayTimeInMillis: 1000, delayAttempts: 1, queuingLimit: 0, exposeHeaders: false,
    });
    expect(findPolicy('response-timeout-flex')!.schema.parse({})).toEqual({ timeout: 15 });
    expect(findPolicy('rate-limiting-sla-based-flex')!.schema.parse({})).toEqual({
      clientIdExpression: "#[attributes.headers['client_id']]",
      clientSecretExpression: "#[attributes.headers['client_secret']]",
      exposeHeaders: false,
      clusterizable: true,
    });
    expect(findPolicy('cors-flex')!.schema.parse({ originGroups: [{ origins: ['https://a.test'] }] })).toEqual({
      originGroups: [{ origins: ['https://a.test'], accessControlMaxAge: 30, allowedMethods: [], headers: [], exposedHeaders: [] }],
      publicResource: true,
      supportCredentials: false,
    });
    expect(findPolicy('health-check-flex')!.schema.parse({})).toMatchObject({ path: '/', expectedStatus: 200, intervalSeconds: 10 });
    expect(findPolicy('tls-outbound')!.schema.parse({})).toEqual({ skipValidation: false });
  });

  it('rate limiting needs at least one window with positive integers', () => {
    expect(issues('rate-limiting-flex', { rateLimits: [] })[0]!.path).toEqual(['rateLimits']);
    expect(issues('rate-limiting-flex', {})[0]!.path).toEqual(['rateLimits']);
    expect(issues('rate-limiting-flex', { rateLimits: [{ maximumRequests: 0, timePeriodInMilliseconds: 1000 }] })[0]!.path).toEqual(['rateLimits', 0, 'maximumRequests']);
  });

  it('a bad CIDR is rejected with its index in the path', () => {
    for (const name of ['ip-allowlist-flex', 'ip-blocklist-flex']) {
      const found = issues(name, { ips: ['10.0.0.0/8', '::1', '300.1.1.1', '10.0.0.0/33'] });
      expect(found.map((issue) => issue.path)).toEqual([['ips', 2], ['ips', 3]]);
      expect(found[0]!.message).toContain('300.1.1.1');
      expect(found[1]!.message).toContain('prefix');
    }
    expect(issues('ip-allowlist-flex', { ips: [] })[0]!.path).toEqual(['ips']);
    expect(findPolicy('ip-allowlist-flex')!.schema.safeParse({ ips: ['2001:db8::/32', '::ffff:10.0.0.1', 'fe80::1', '0.0.0.0/0'] }).success).toBe(true);
  });

  it('a bad expression is rejected with the supported-forms message', () => {
    const found = issues('rate-limiting-flex', {
      rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: 1000 }],
      keySelector: '#[payload.user]',
    });
    expect(found[0]!.path).toEqual(['keySelector']);
    for (const form of SUPPORTED_EXPRESSIONS) expect(found[0]!.message).toContain(form);
    expect(issues('ip-allowlist-flex', { ips: ['::1'], ipExpression: 'x-forwarded-for' })[0]!.message).toContain('expected an expression');
    // Header injection values may be plain text as well as expressions.
    expect(findPolicy('header-injection-flex')!.schema.safeParse({ inboundHeaders: [{ key: 'x-a', value: 'plain' }, { key: 'x-b', value: '#[attributes.method]' }] }).success).toBe(true);
    expect(issues('header-injection-flex', { inboundHeaders: [{ key: 'x-a', value: '#[vars.x]' }] })[0]!.path).toEqual(['inboundHeaders', 0, 'value']);
  });

  it('client-id enforcement accepts the Flex key and its alias', () => {
    const schema = findPolicy('client-id-enforcement-flex')!.schema;
    const flex = schema.parse({ credentialsOriginHasHttpBasicAuthenticationHeader: 'customExpression' });
    expect(credentialsOriginOf(flex as never)).toBe('customExpression');
    expect(credentialsOriginOf(schema.parse({ credentialsOrigin: 'customExpression' }) as never)).toBe('customExpression');
    expect(credentialsOriginOf(schema.parse({}) as never)).toBe('httpBasicAuthenticationHeader');
    expect(issues('client-id-enforcement-flex', { credentialsOrigin: 'header' })[0]!.path).toEqual(['credentialsOrigin']);
  });

  it('cors accepts Flex method objects and plain method names, and checks header names', () => {
    const schema = findPolicy('cors-flex')!.schema;
    expect(schema.safeParse({ originGroups: [{ origins: ['*'], allowedMethods: [{ methodName: 'GET', isAllowed: true }, 'PUT'] }] }).success).toBe(true);
    expect(issues('cors-flex', { originGroups: [{ origins: ['*'], headers: ['bad header'] }] })[0]!.path).toEqual(['originGroups', 0, 'headers', 0]);
  });

  it('tls accepts PEM text or paths and checks version order and mutual TLS', () => {
    const schema = findPolicy('tls')!.schema;
    expect(schema.safeParse({ certificate: { key: '-----BEGIN PRIVATE KEY-----\n…', crt: './server.crt' } }).success).toBe(true);
    expect(issues('tls', { certificate: { key: 'k', crt: 'c' }, minversion: '1.3', maxversion: '1.2' })[0]!.path).toEqual(['minversion']);
    expect(issues('tls', { certificate: { key: 'k', crt: 'c' }, minversion: '1.0' })[0]!.path).toEqual(['minversion']);
    expect(issues('tls', { certificate: { key: 'k', crt: 'c' }, requireClientCertificate: true })[0]!.path).toEqual(['trustedCA']);
    expect(issues('tls', {})[0]!.path).toEqual(['certificate']);
  });

  it('http basic authentication needs both fields', () => {
    expect(issues('http-basic-authentication-flex', { username: 'a' })[0]!.path).toEqual(['password']);
  });
});
