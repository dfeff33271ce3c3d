/**
 * spec-validation-flex with `source: context` in the app: the document is the OpenAPI file the
 * API was imported from (kept in the store); the snapshot carries it, and a real gateway
 * validates with it. Without a kept document the binding is a snapshot error naming the field.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { startGateway } from '../gateway/testing';
import { EMBEDDED_GATEWAY_ID } from '../store/gateways';
import { Store } from '../store/store';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';
import { buildEmbeddedSnapshot } from './snapshot-builder';

const DOCUMENT = `openapi: 3.0.3
info: { title: Users, version: "1" }
paths:
  /users/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: integer } }]
      responses: { "200": { description: one user } }
`;

let dataDir: string;
let store: Store;
let upstream: TestServer;
let port: number;

beforeEach(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-spec-context-'));
  store = Store.open(dataDir);
  port = await freePort();
  store.ensureEmbeddedGateway(port);
  upstream = await startEchoUpstream();
});
afterEach(async () => {
  store.close();
  rmSync(dataDir, { recursive: true, force: true });
  await upstream.close();
});

describe('spec-validation-flex, source "context" in the app', () => {
  it("validates with the document the API was imported from", async () => {
    const api = store.apis.insert({ name: 'users', implementationUrl: `${upstream.url}/`, basePath: '/users-api', gatewayId: EMBEDDED_GATEWAY_ID });
    store.mocks.putOpenApiDocument(api.id, DOCUMENT);
    store.policies.insert({ apiId: api.id, policyRef: 'spec-validation-flex', config: { source: 'context', blockOperation: true } });
    const { snapshot, errors } = buildEmbeddedSnapshot(store, { dataDir, stopped: new Set() });
    expect(errors).toEqual([]);
    const gateway = await startGateway(snapshot, { catalogue: findPolicy });
    try {
      expect((await request(gateway.url('/users-api/users/7'))).status).toBe(200);
      const refused = await request(gateway.url('/users-api/users/seven'));
      expect(refused.status).toBe(400);
      expect(refused.json().error.message).toMatch(/path\.id: must be integer/);
    } finally {
      await gateway.close();
    }
  });

  it('is a snapshot error naming the field when the API kept no document', () => {
    const api = store.apis.insert({ name: 'plain', implementationUrl: `${upstream.url}/`, basePath: '/plain', gatewayId: EMBEDDED_GATEWAY_ID });
    const binding = store.policies.insert({ apiId: api.id, policyRef: 'spec-validation-flex', config: { source: 'context' } });
    const { errors } = buildEmbeddedSnapshot(store, { dataDir, stopped: new Set() });
    expect(errors).toEqual([{ path: `apis.plain.policies.${binding.id}.config.source`, message: expect.stringMatching(/source "context" needs the OpenAPI document/) }]);
  });
});
