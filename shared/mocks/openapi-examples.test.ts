import { describe, expect, it } from 'vitest';
import { exampleFromSchema, mockRoutesFromOpenApi } from './openapi-examples';

const document = {
  openapi: '3.0.3',
  info: { title: 'Users', version: '1' },
  paths: {
    '/users': {
      get: {
        operationId: 'listUsers',
        responses: {
          '200': {
            description: 'ok',
            headers: { 'X-Total-Count': { schema: { type: 'integer' }, example: 2 } },
            content: { 'application/json': { example: [{ id: 1, name: 'Leanne' }, { id: 2, name: 'Ervin' }] } },
          },
        },
      },
      post: { responses: { '201': { description: 'created', content: { 'application/json': { schema: { $ref: '#/components/schemas/User' } } } } } },
    },
    '/users/{id}': {
      get: { responses: { '404': { description: 'none' }, '200': { $ref: '#/components/responses/OneUser' } } },
      delete: { responses: { '204': { description: 'gone' } } },
    },
  },
  components: {
    responses: { OneUser: { description: 'one', content: { 'application/json': { examples: { leanne: { value: { id: 1, name: 'Leanne' } } } } } } },
    schemas: {
      User: {
        type: 'object',
        required: ['id'],
        properties: {
          id: { type: 'integer', minimum: 1 },
          email: { type: 'string', format: 'email' },
          tags: { type: 'array', items: { type: 'string' } },
          role: { type: 'string', enum: ['admin', 'user'] },
          manager: { $ref: '#/components/schemas/User' },
          address: { type: 'object', properties: { city: { type: 'string' }, geo: { type: 'object', properties: { lat: { type: 'number' } } } } },
          active: { type: 'boolean' },
        },
      },
    },
  },
};

describe('OpenAPI examples → mock routes', () => {
  it('uses the document examples: status, headers and body', () => {
    const routes = mockRoutesFromOpenApi(document);
    const list = routes.find((route) => route.method === 'GET' && route.path === '/users')!;
    expect(list.status).toBe(200);
    expect(list.headers['x-total-count']).toBe('2');
    expect(list.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(list.body)).toEqual([{ id: 1, name: 'Leanne' }, { id: 2, name: 'Ervin' }]);
    expect(list.origin).toBe('example');
    const one = routes.find((route) => route.method === 'GET' && route.path === '/users/{id}')!;
    expect(one.status).toBe(200);
    expect(JSON.parse(one.body)).toEqual({ id: 1, name: 'Leanne' });
    const gone = routes.find((route) => route.method === 'DELETE')!;
    expect(gone).toMatchObject({ status: 204, body: '', origin: 'empty' });
  });

  it('a schema without an example gets a generated value of the right shape, recursion bounded', () => {
    const created = mockRoutesFromOpenApi(document).find((route) => route.method === 'POST')!;
    expect(created.status).toBe(201);
    expect(created.origin).toBe('generated');
    const user = JSON.parse(created.body);
    expect(typeof user.id).toBe('number');
    expect(user.id).toBeGreaterThanOrEqual(1);
    expect(user.email).toMatch(/@/);
    expect(Array.isArray(user.tags) && typeof user.tags[0]).toBe('string');
    expect(user.role).toBe('admin');
    expect(typeof user.address.geo.lat).toBe('number');
    expect(user.active).toBe(true);
    // The self-reference stops instead of recursing forever.
    expect(user.manager).toBeNull();
  });

  it('generates every JSON Schema type and never throws on junk', () => {
    expect(exampleFromSchema({ type: 'string', format: 'date-time' })).toBe('2024-01-01T00:00:00Z');
    expect(exampleFromSchema({ type: ['null', 'integer'] })).toBe(1);
    expect(exampleFromSchema({ oneOf: [{ type: 'boolean' }, { type: 'string' }] })).toBe(true);
    expect(exampleFromSchema({ allOf: [{ properties: { a: { type: 'integer' } } }, { properties: { b: { type: 'string' } } }] })).toEqual({ a: 1, b: 'string' });
    expect(exampleFromSchema({ type: 'array', items: { type: 'number' }, minItems: 2 })).toEqual([1.5, 1.5]);
    expect(exampleFromSchema(undefined)).toBeNull();
    expect(exampleFromSchema({ $ref: '#/nowhere' })).toBeNull();
    expect(mockRoutesFromOpenApi('not a document')).toEqual([]);
  });
});
