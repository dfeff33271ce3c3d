import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startPolicyGateway, type PolicyGateway } from 'gatehouse/policy-testing';

// The echo upstream answers JSON: { method, url, headers, body, remoteAddress }.
let gateway: PolicyGateway;
before(async () => {
  gateway = await startPolicyGateway({
    policy: './policy.ts',
    config: { rename: { url: 'path' }, remove: ['headers', 'remoteAddress'], set: { rewritten: true } },
  });
});
after(() => gateway.close());

test('the JSON body the client gets is rewritten', async () => {
  const response = await gateway.request('/orders/7?full=1');
  assert.equal(response.status, 200);
  assert.deepEqual(response.json(), { method: 'GET', path: '/orders/7?full=1', body: '', rewritten: true });
  // The gateway sets the new length; the upstream's own header says where it came from.
  assert.equal(Number(response.headers['content-length']), Buffer.byteLength(response.body));
  assert.equal(response.headers['x-upstream'], 'echo');
});
