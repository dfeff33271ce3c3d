/** The SDK adapter without sockets: what a hook sees of the request and what its results become. */
import { describe, expect, it } from 'vitest';
import { decide, definePolicy, type PolicyHooks, type PolicyRequestView } from '../../../shared/policy-sdk';
import { fakeRequest, respondThrough, testContext } from '../testing';
import { adaptCustomPolicy, toDecision } from './adapter';

const watch = { limitMs: 200, report: () => {} };
const describeError = (error: unknown) => (error as Error).message;

function instance(hooks: PolicyHooks) {
  const policy = definePolicy({ name: 'under-test', version: '1', schema: {}, create: () => hooks });
  const context = testContext('under-test', {});
  return { instance: adaptCustomPolicy(policy, {}, context, watch, describeError), context };
}

describe('custom policy adapter', () => {
  it('shows the identified application and the claims an earlier policy proved', async () => {
    let seen: PolicyRequestView | undefined;
    const { instance: policy } = instance({ onRequest: (request) => void (seen = request) });
    const request = fakeRequest({ url: '/orders?limit=5' });
    request.clientId = 'mobile-app';
    request.authentication = { principal: 'ann', properties: { claims: { sub: 'ann', plan: 'gold' } } };
    await policy.onRequest(request);
    expect(seen!.application).toEqual({ clientId: 'mobile-app' });
    expect(seen!.claims).toEqual({ sub: 'ann', plan: 'gold' });
    expect([seen!.path, seen!.query.get('limit'), seen!.method]).toEqual(['/orders', '5', 'GET']);
  });

  it('edits headers case-insensitively in place, keeping repeated values', async () => {
    const { instance: policy } = instance({
      onRequest(request) {
        request.headers.append('X-Tag', 'b');
        request.headers.delete('Cookie');
        request.headers.set('X-Added', ['1', '2']);
      },
    });
    const request = fakeRequest({ headers: { 'x-tag': 'a', cookie: 'secret=1' } });
    expect(await policy.onRequest(request)).toEqual({ action: 'continue', modified: true });
    expect(request.headers).toEqual({ 'x-tag': ['a', 'b'], 'x-added': ['1', '2'] });
  });

  it('refuses a header value with a line break at the call, naming the header', async () => {
    const { instance: policy } = instance({ onRequest: (request) => request.headers.set('x-a', 'one\r\ntwo') });
    expect(() => policy.onRequest(fakeRequest())).toThrow('onRequest threw: headers.set("x-a"): a header value cannot contain line breaks');
  });

  it('runs onResponse on the head where the gateway cannot hold the response', async () => {
    const { instance: policy } = instance({ onResponse: (response) => response.headers.set('x-seen', String(response.status)) });
    const request = fakeRequest();
    await policy.onRequest(request);
    expect(respondThrough(request, 204, { 'X-Seen': 'old' }).headers).toEqual({ 'x-seen': '204' });
  });

  it('turns the SDK decisions into the pipeline’s, and refuses malformed ones with a reason', () => {
    expect(toDecision(undefined, false)).toEqual({ action: 'continue' });
    expect(toDecision(decide.reject(401, 'who?', { headers: { 'WWW-Authenticate': 'Bearer' } }), false)).toEqual({
      action: 'reject', status: 401, code: 'POLICY_REJECTED', message: 'who?', headers: { 'www-authenticate': 'Bearer' }, detail: undefined,
    });
    expect(toDecision(decide.respond(200, new Uint8Array([104, 105])), false)).toMatchObject({ action: 'respond', status: 200, body: Buffer.from('hi') });
    expect(() => toDecision(decide.reject(200, 'fine'), false)).toThrow('returned reject with status 200 (expected an integer 400-599)');
    expect(() => toDecision({ action: 'reject', status: 403 } as never, false)).toThrow('returned reject without a message string');
    expect(() => toDecision('yes' as never, false)).toThrow('returned string instead of a decision');
  });

  it('times only a hook that returned a promise: a synchronous decision stays synchronous, a hung promise fails at timeoutMs', async () => {
    const policy = definePolicy({
      name: 'maybe-hangs', version: '1', schema: {}, timeoutMs: 20,
      create: () => ({ onRequest: (request) => (request.query.has('hang') ? new Promise<void>(() => {}) : undefined) }),
    });
    const adapted = adaptCustomPolicy(policy, {}, testContext('maybe-hangs', {}), watch, describeError);
    expect(adapted.onRequest(fakeRequest())).toEqual({ action: 'continue' });
    await expect(adapted.onRequest(fakeRequest({ url: '/?hang' }))).rejects.toMatchObject({ status: 504, code: 'POLICY_TIMEOUT', message: 'custom policy maybe-hangs did not answer in onRequest within 20 ms' });
  });

  it('logs through the compile context with the policy named by the gateway', async () => {
    const policy = definePolicy({ name: 'talker', version: '1', schema: {}, create: (_c, context) => ({ onRequest: () => context.log.warn('hello') }) });
    const context = testContext('talker', {});
    await adaptCustomPolicy(policy, {}, context, watch, describeError).onRequest(fakeRequest());
    expect(context.logs).toEqual(['warn: hello']);
  });
});
