import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startPolicyGateway, type PolicyGateway } from 'gatehouse/policy-testing';

let gateway: PolicyGateway;
before(async () => {
  gateway = await startPolicyGateway({ policy: './policy.ts', config: { header: 'x-api-version', pattern: 'v[12]', status: 412 } });
});
after(() => gateway.close());

test('a request with a matching header reaches the upstream', async () => {
  const response = await gateway.request('/orders', { headers: { 'x-api-version': 'v2' } });
  assert.equal(response.status, 200);
  assert.equal(response.json().headers['x-api-version'], 'v2');
});

test('a missing header is refused by the gateway with the configured status', async () => {
  const response = await gateway.request('/orders');
  assert.equal(response.status, 412);
  assert.equal(response.headers['x-gatehouse-source'], 'gateway');
  assert.equal(response.json().error.message, 'the x-api-version header is required');
});

test('a value outside the pattern is refused', async () => {
  const response = await gateway.request('/orders', { headers: { 'x-api-version': 'v3' } });
  assert.equal(response.status, 412);
  assert.equal(response.json().error.code, 'HEADER_REJECTED');
});
