// Alert rules as `gatehouse.dev/v1 AlertRule` resources: every kind and field survives
// export → import, and a wrong rule in a file is reported with its line and field.
import { afterEach, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import type { AlertRuleCreate } from '../../shared/contract/models';
import { loadConfigText } from '../config/load';
import { startControlFixture, type ControlFixture } from '../control/testing/control-fixture';

const fixtures: ControlFixture[] = [];

afterEach(async () => {
  vi.unstubAllEnvs();
  for (const fx of fixtures.splice(0)) await fx.close();
});

async function fixture(): Promise<ControlFixture> {
  const fx = await startControlFixture();
  fixtures.push(fx);
  return fx;
}

it('exports and imports every alert kind with all its settings, muted and disabled rules included', async () => {
  const source = await fixture();
  const api = await source.call('apis.create', { name: 'Orders API', implementationUrl: source.upstream.url, basePath: '/orders' });
  const [gateway] = await source.call('gateways.list', {});
  const inputs: AlertRuleCreate[] = [
    { name: 'Quiet', kind: 'request-count', gatewayId: gateway!.id, comparator: 'lt', threshold: 1, windowSeconds: 300, periods: 2, severity: 'info' },
    { name: 'Orders 5xx', kind: 'response-codes', apiId: api.id, codes: [500, 502, 503, '5xx'], comparator: 'gte', threshold: 10, windowSeconds: 60, severity: 'critical', webhookUrl: 'http://127.0.0.1:9/hooks/a?token=$ecret' },
    { name: 'Orders p95', kind: 'response-time', apiId: api.id, statistic: 'p95', threshold: 750.5, windowSeconds: 120, periods: 3 },
    { name: 'Throttled', kind: 'policy-violations', apiId: api.id, policy: 'rate-limiting-flex', threshold: 100, muted: true },
    { name: 'Orders down', kind: 'upstream-down', apiId: api.id, enabled: false, webhookUrl: 'https://hooks.example.test/T000/B000/XXX' },
    { name: 'Gateway down', kind: 'gateway-down', gatewayId: gateway!.id, comparator: 'eq', threshold: 1 },
  ];
  for (const input of inputs) await source.call('alertRules.create', input);
  const strip = ({ createdAt: _c, updatedAt: _u, state: _s, ...rule }: Record<string, unknown>) => rule;
  const before = (await source.call('alertRules.list', {})).map(strip);
  expect(before.find((rule) => rule.name === 'Throttled')).toMatchObject({ muted: true, policy: 'rate-limiting-flex' });

  const yaml = await source.call('config.export', {});
  const documents = yaml.split(/^---$/m).map((doc) => parse(doc)).filter((doc) => doc?.kind === 'AlertRule');
  expect(documents.find((doc) => doc.metadata.annotations['gatehouse.dev/name'] === 'Orders 5xx')).toMatchObject({
    apiVersion: 'gatehouse.dev/v1',
    metadata: { name: 'Orders-5xx' },
    spec: { kind: 'response-codes', api: 'Orders-API', codes: [500, 502, 503, '5xx'], comparator: 'gte', threshold: 10, severity: 'critical' },
  });
  // Webhook URLs are not in the export: variables stand for them, set here as the header asks.
  expect(yaml).not.toContain('hooks.example.test');
  const webhooks = { GATEHOUSE_WEBHOOK_ORDERS_5XX: 'http://127.0.0.1:9/hooks/a?token=$ecret', GATEHOUSE_WEBHOOK_ORDERS_DOWN: 'https://hooks.example.test/T000/B000/XXX' };
  expect(loadConfigText(yaml, 'export.yaml', { env: webhooks }).errors).toEqual([]);

  // The export names the source's gateway port: free it before the import takes it over.
  await fixtures.splice(0, 1)[0]!.close();
  for (const [name, value] of Object.entries(webhooks)) vi.stubEnv(name, value);
  const target = await fixture();
  await target.call('config.import', { yaml });
  const after = (await target.call('alertRules.list', {})).map(strip);
  expect(after).toEqual(before);
});

it('reports a wrong AlertRule in a file with its line and field', () => {
  const text = `apiVersion: gatehouse.dev/v1
kind: AlertRule
metadata:
  name: bad-rule
spec:
  kind: response-time
  statistic: median
  comparator: '>'
  threshold: 5
  windowSecs: 60
`;
  const result = loadConfigText(text, 'alerts.yaml', { env: {} });
  const errors = result.errors.map((e) => `${e.file}:${e.line}: ${e.field}`);
  expect(errors).toEqual(expect.arrayContaining(['alerts.yaml:7: spec.statistic', 'alerts.yaml:8: spec.comparator']));
  // An unknown field is named with its line, as a warning (YAML files are read tolerantly).
  expect(result.warnings.map((w) => `${w.file}:${w.line}: ${w.field}`)).toContain('alerts.yaml:10: spec.windowSecs');
});
