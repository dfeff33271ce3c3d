/**
 * spec-validation-flex over real sockets: a real gateway in front of a real echo upstream that
 * counts what reaches it, an OpenAPI document inline or in a file next to a local-mode YAML.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { loadConfig } from '../config/load';
import { startGateway, type StartedGateway } from '../gateway/testing';
import type { RequestFact } from '../gateway/telemetry';
import { request, startServer, type TestServer } from '../testing/net';

const USERS_30 = `
openapi: 3.0.3
info: { title: Users, version: "1" }
servers: [{ url: "https://api.example.com/v1" }]
paths:
  /users:
    get:
      parameters:
        - { name: limit, in: query, schema: { type: integer, minimum: 1, maximum: 100 } }
        - { name: tags, in: query, schema: { type: array, items: { type: string, enum: [a, b] } } }
        - { name: x-api-version, in: header, required: true, schema: { type: string, enum: ["1", "2"] } }
      responses:
        "200":
          description: the users
          content:
            application/json:
              schema: { type: array, items: { $ref: "#/components/schemas/User" } }
    post:
      requestBody:
        required: true
        content:
          application/json: { schema: { $ref: "#/components/schemas/NewUser" } }
      responses: { "201": { description: created } }
  /users/{id}:
    parameters: [{ name: id, in: path, required: true, schema: { type: integer, format: int32 } }]
    get: { responses: { "200": { description: one user } } }
  /users/me:
    get: { responses: { "200": { description: the caller } } }
components:
  schemas:
    User:
      type: object
      required: [id, name]
      properties: { id: { type: integer }, name: { type: string } }
    NewUser:
      type: object
      required: [name]
      additionalProperties: false
      properties:
        name: { type: string, minLength: 1 }
        email: { type: string, format: email }
        nickname: { type: string, nullable: true }
        age: { type: integer, minimum: 0, exclusiveMinimum: true }
`;

const ITEMS_31 = JSON.stringify({
  openapi: '3.1.0',
  info: { title: 'Items', version: '1' },
  paths: {
    '/items': {
      put: {
        requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['price'], properties: { price: { type: 'number', exclusiveMinimum: 0 }, note: { type: ['string', 'null'] } } } } } },
        responses: { '204': { description: 'stored' } },
      },
    },
  },
});

let upstream: TestServer;
let reached: { method: string; url: string }[] = [];
let upstreamAnswer = '[]';
const gateways: StartedGateway[] = [];
const facts: RequestFact[] = [];
const logs: string[] = [];
let apiCount = 0;

beforeAll(async () => {
  upstream = await startServer((req, res) => {
    req.resume();
    req.on('end', () => {
      reached.push({ method: req.method ?? '', url: req.url ?? '' });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(upstreamAnswer);
    });
  });
});
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
  reached = [];
  facts.length = 0;
  logs.length = 0;
  upstreamAnswer = '[]';
});
afterAll(async () => {
  await upstream?.close();
});

async function gatewayWith(config: Record<string, unknown>): Promise<StartedGateway> {
  const gateway = await startGateway(
    { id: `spec-api-${++apiCount}`, basePath: '/api', upstream: upstream.url, policies: [{ name: 'spec-validation-flex', config }] },
    { catalogue: findPolicy, onRequest: (fact) => void facts.push(fact), log: (level, message) => void logs.push(`${level}: ${message}`) },
  );
  gateways.push(gateway);
  return gateway;
}

const V = { 'x-api-version': '1' };

function violations(res: { json(): { error: { message: string } } }): string[] {
  const message = res.json().error.message;
  return message.slice(message.indexOf('): ') + 3).split('; ');
}

describe('spec-validation-flex: requests', () => {
  it('lets a request that matches its operation through, and traces the operation', async () => {
    const gateway = await gatewayWith({ spec: USERS_30 });
    const res = await request(gateway.url('/api/users?limit=10&tags=a,b'), { headers: V });
    expect(res.status).toBe(200);
    expect(reached).toHaveLength(1);
    await until(() => facts.length === 1);
    expect(facts[0]!.trace[0]).toMatchObject({ policy: 'spec-validation-flex', verdict: 'allow', detail: 'matches GET /users' });
  });

  it('refuses a path or a method the document does not have, before the upstream', async () => {
    const gateway = await gatewayWith({ spec: USERS_30 });
    const unknown = await request(gateway.url('/api/orders'), { headers: V });
    expect(unknown.status).toBe(400);
    expect(unknown.headers['x-gatehouse-source']).toBe('gateway');
    expect(unknown.json().error).toMatchObject({ code: 'SPEC_VIOLATION', policy: 'spec-validation-flex' });
    expect(violations(unknown)).toEqual(['path: GET /orders matches no path of the OpenAPI document']);
    const method = await request(gateway.url('/api/users/7'), { method: 'DELETE' });
    expect(violations(method)).toEqual(['method: DELETE is not an operation of /users/{id} (GET)']);
    expect(reached).toHaveLength(0);
  });

  it('checks path, query and header parameters and lists every violation', async () => {
    const gateway = await gatewayWith({ spec: USERS_30 });
    const res = await request(gateway.url('/api/users?limit=500&tags=a,c'));
    expect(res.status).toBe(400);
    expect(violations(res)).toEqual(['query.limit: must be <= 100', 'query.tags[1]: must be one of "a", "b"', 'header.x-api-version: is required']);
    expect(violations(await request(gateway.url('/api/users/abc')))).toEqual(['path.id: must be integer']);
    expect((await request(gateway.url('/api/users/99999999999')).then(violations))[0]).toMatch(/^path\.id: must match format "int32"/);
    // A literal path wins over the template: "me" is not an id.
    expect((await request(gateway.url('/api/users/me'))).status).toBe(200);
    expect(reached.map((r) => r.url)).toEqual(['/users/me']);
  });

  it('checks a JSON body against the schema (refs, formats, nullable, 3.0 exclusive bounds) before the upstream sees it', async () => {
    const gateway = await gatewayWith({ spec: USERS_30 });
    const json = { 'content-type': 'application/json' };
    const bad = await request(gateway.url('/api/users'), { method: 'POST', headers: json, body: JSON.stringify({ email: 'nope', extra: 1, age: 0 }) });
    expect(bad.status).toBe(400);
    expect(violations(bad).sort()).toEqual(['body.age: must be > 0', 'body.email: must match format "email"', 'body.extra: is not allowed (not in the schema)', 'body.name: is required'].sort());
    const notJson = await request(gateway.url('/api/users'), { method: 'POST', headers: json, body: '{"name": ' });
    expect(violations(notJson)[0]).toMatch(/^body: is not valid JSON/);
    expect(reached).toHaveLength(0);
    const good = await request(gateway.url('/api/users'), { method: 'POST', headers: json, body: JSON.stringify({ name: 'Ada', nickname: null, age: 36 }) });
    expect(good.status).toBe(200);
    expect(reached).toEqual([{ method: 'POST', url: '/users' }]);
  });

  it('refuses a body in a content type the operation does not accept, and a missing required body', async () => {
    const gateway = await gatewayWith({ spec: USERS_30 });
    const text = await request(gateway.url('/api/users'), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'name=Ada' });
    expect(violations(text)).toEqual(['header.content-type: "text/plain" is not a content type of POST /users (application/json)']);
    const empty = await request(gateway.url('/api/users'), { method: 'POST' });
    expect(violations(empty)).toEqual(['body: is required by POST /users']);
  });

  it('lists parameter and body violations together', async () => {
    const gateway = await gatewayWith({ spec: USERS_30, strictParamsValidation: true });
    const res = await request(gateway.url('/api/users?debug=1'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(violations(res)).toEqual(['query.debug: is not a parameter of POST /users', 'body.name: is required']);
  });

  it('strictParamsValidation: an undeclared query parameter is a violation only when on', async () => {
    const lenient = await gatewayWith({ spec: USERS_30 });
    expect((await request(lenient.url('/api/users?debug=1'), { headers: V })).status).toBe(200);
    const strict = await gatewayWith({ spec: USERS_30, strictParamsValidation: true });
    const res = await request(strict.url('/api/users?debug=1'), { headers: V });
    expect(violations(res)).toEqual(['query.debug: is not a parameter of GET /users']);
  });

  it('blockOperation false: a violating request goes through and the violation is logged and traced', async () => {
    const gateway = await gatewayWith({ spec: USERS_30, blockOperation: false });
    const res = await request(gateway.url('/api/users?limit=0'), { headers: V });
    expect(res.status).toBe(200);
    expect(logs.some((line) => line.includes('query.limit: must be >= 1'))).toBe(true);
    await until(() => facts.length === 1);
    expect(facts[0]!.trace[0]!.detail).toMatch(/^let through \(blockOperation is off\): .*query\.limit: must be >= 1/);
    const body = await request(gateway.url('/api/users'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(body.status).toBe(200);
    expect(logs.some((line) => line.includes('body.name: is required'))).toBe(true);
  });

  it("apiBasePath and the servers' path: /v1/users matches /users", async () => {
    const byServer = await gatewayWith({ spec: USERS_30 });
    expect((await request(byServer.url('/api/v1/users'), { headers: V })).status).toBe(200);
    const byConfig = await gatewayWith({ spec: USERS_30.replace(/servers:.*\n/, ''), apiBasePath: '/v2' });
    expect((await request(byConfig.url('/api/v2/users'), { headers: V })).status).toBe(200);
    expect((await request(byConfig.url('/api/v3/users'), { headers: V })).status).toBe(400);
  });

  it('reads OpenAPI 3.1 (JSON Schema 2020-12: type lists, numeric exclusiveMinimum) and base64 documents', async () => {
    const gateway = await gatewayWith({ spec: Buffer.from(ITEMS_31).toString('base64') });
    const json = { 'content-type': 'application/json' };
    const bad = await request(gateway.url('/api/items'), { method: 'PUT', headers: json, body: JSON.stringify({ price: 0, note: 5 }) });
    expect(violations(bad).sort()).toEqual(['body.note: must be string,null', 'body.price: must be > 0']);
    expect((await request(gateway.url('/api/items'), { method: 'PUT', headers: json, body: JSON.stringify({ price: 2.5, note: null }) })).status).toBe(200);
  });

  it('takes the document as a YAML mapping too', async () => {
    const gateway = await gatewayWith({
      spec: { openapi: '3.0.3', info: { title: 'Ping', version: '1' }, paths: { '/ping': { get: { responses: { '200': { description: 'pong' } } } } } },
    });
    expect((await request(gateway.url('/api/ping'))).status).toBe(200);
    expect((await request(gateway.url('/api/pong'))).status).toBe(400);
  });

  it('validateResponses: a response that does not match its schema is logged, and still delivered', async () => {
    const gateway = await gatewayWith({ spec: USERS_30, validateResponses: true });
    upstreamAnswer = JSON.stringify([{ id: 'seven' }]);
    const res = await request(gateway.url('/api/users'), { headers: V });
    expect(res.status).toBe(200);
    expect(res.body).toBe(upstreamAnswer);
    await until(() => logs.some((line) => line.includes('response.body[0].id: must be integer')));
    expect(logs.some((line) => line.includes('response.body[0].name: is required'))).toBe(true);
  });

  it('refuses a document it cannot use, naming the field', async () => {
    await expect(gatewayWith({ spec: 'openapi: 2.0\npaths: {}' })).rejects.toThrow(/spec: "openapi" is "2.0"|spec: "openapi" is 2/);
    expect(findPolicy('spec-validation-flex')!.schema.safeParse({ spec: '' }).success).toBe(false);
  });
});

describe('spec-validation-flex in local mode', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-spec-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function conf(spec: string): string {
    return `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata: { name: users }
spec:
  address: http://127.0.0.1:8081/api/
  services:
    upstream:
      address: ${upstream.url}/
      routes: [{ config: { destinationPath: / } }]
  policies:
    - policyRef: { name: spec-validation-flex }
      config:
        source: inline
        spec: ${spec}
        blockOperation: true
`;
  }

  it('reads the spec from a file next to the YAML and serves with it', async () => {
    writeFileSync(path.join(dir, 'users.yaml'), USERS_30);
    writeFileSync(path.join(dir, 'api.yaml'), conf('./users.yaml'));
    const loaded = loadConfig(path.join(dir, 'api.yaml'), { env: {} });
    expect(loaded.errors).toEqual([]);
    const gateway = await startGateway(loaded.snapshot!.listeners[0]!.apis.map((api) => ({ ...api, upstream: upstream.url })), { catalogue: findPolicy });
    gateways.push(gateway);
    expect((await request(gateway.url('/api/users/x'))).status).toBe(400);
    expect((await request(gateway.url('/api/users/1'))).status).toBe(200);
  });

  it('source "context" without spec is an error: local mode keeps no API document', () => {
    writeFileSync(path.join(dir, 'context.yaml'), conf('./users.yaml').replace('source: inline', 'source: context').replace(/ *spec: .*\n/, ''));
    const loaded = loadConfig(path.join(dir, 'context.yaml'), { env: {} });
    expect(loaded.errors).toHaveLength(1);
    expect(loaded.errors[0]).toMatchObject({ field: 'spec.policies[0].config.spec', message: expect.stringMatching(/local mode has no API document for source "context"/) });
  });

  it('a missing file is an error naming the file, the line and the field', () => {
    writeFileSync(path.join(dir, 'broken.yaml'), conf('./missing.yaml'));
    const loaded = loadConfig(path.join(dir, 'broken.yaml'), { env: {} });
    expect(loaded.errors).toHaveLength(1);
    expect(loaded.errors[0]).toMatchObject({ file: path.join(dir, 'broken.yaml'), field: 'spec.policies[0].config.spec' });
    expect(loaded.errors[0]!.line).toBeGreaterThan(0);
    expect(loaded.errors[0]!.message).toMatch(/cannot read the OpenAPI file .*missing\.yaml: no such file/);
  });
});

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
