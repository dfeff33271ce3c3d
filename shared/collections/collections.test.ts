import { describe, expect, it } from 'vitest';
import { operationsFromOpenApi } from './openapi-operations';
import { buildOperationRequest, checkParameterValue, initialParameterValues } from './operation-request';

const document = {
  openapi: '3.0.3',
  info: { title: 'Pet store', version: '1' },
  tags: [{ name: 'pets', description: 'Everything about pets' }, { name: 'store' }],
  components: {
    parameters: { Limit: { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1 }, example: 10 } },
    schemas: { NewPet: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, kind: { type: 'string', enum: ['cat', 'dog'] }, age: { type: 'integer' } } } },
  },
  paths: {
    '/pets': {
      get: {
        tags: ['pets'],
        summary: 'List pets',
        parameters: [
          { $ref: '#/components/parameters/Limit' },
          { name: 'status', in: 'query', required: true, schema: { type: 'string', enum: ['available', 'sold'] } },
          { name: 'tags', in: 'query', schema: { type: 'array', items: { type: 'string' } } },
          { name: 'session', in: 'cookie', schema: { type: 'string' } },
        ],
        responses: { '200': { description: 'ok' } },
      },
      post: {
        tags: ['pets'],
        operationId: 'addPet',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NewPet' }, example: { name: 'Rex', kind: 'dog' } } } },
        responses: { '201': { description: 'created' } },
      },
    },
    '/pets/{petId}': {
      parameters: [{ name: 'petId', in: 'path', schema: { type: 'integer' } }, { name: 'X-Trace', in: 'header', schema: { type: 'string' } }],
      put: {
        tags: ['pets'],
        parameters: [{ name: 'X-Trace', in: 'header', required: true, schema: { type: 'string' }, example: 't-1' }],
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/NewPet' } } } },
        responses: { '200': { description: 'ok' } },
      },
    },
    '/health': { get: { responses: { '200': { description: 'ok' } } } },
  },
};

describe('operations of an OpenAPI document', () => {
  const listed = operationsFromOpenApi(document, 'api_1');

  it('lists every operation with its tags, the document tags first, and skips cookie parameters', () => {
    expect(listed.title).toBe('Pet store');
    expect(listed.tags).toEqual([{ name: 'pets', description: 'Everything about pets' }, { name: 'store' }]);
    expect(listed.operations.map((op) => [op.key, op.tags])).toEqual([
      ['GET /pets', ['pets']],
      ['POST /pets', ['pets']],
      ['PUT /pets/{petId}', ['pets']],
      ['GET /health', []],
    ]);
    const list = listed.operations[0]!;
    expect(list.summary).toBe('List pets');
    expect(list.parameters).toEqual([
      { name: 'limit', in: 'query', required: false, type: 'integer', example: '10' },
      { name: 'status', in: 'query', required: true, type: 'string', enum: ['available', 'sold'] },
      { name: 'tags', in: 'query', required: false, type: 'array', itemType: 'string', explode: true },
    ]);
  });

  it('merges path-item parameters under the operation own (path ones always required) and starts bodies from the example or the schema', () => {
    const post = listed.operations[1]!;
    expect(post.body).toEqual({ contentType: 'application/json', required: true, example: JSON.stringify({ name: 'Rex', kind: 'dog' }, null, 2), origin: 'example' });
    const put = listed.operations[2]!;
    expect(put.parameters).toEqual([
      { name: 'petId', in: 'path', required: true, type: 'integer' },
      { name: 'X-Trace', in: 'header', required: true, type: 'string', example: 't-1' },
    ]);
    expect(put.body?.origin).toBe('generated');
    expect(JSON.parse(put.body!.example)).toEqual({ name: 'string', kind: 'cat', age: 1 });
  });

  it('lists nothing for something that is not a document, and survives a $ref cycle', () => {
    expect(operationsFromOpenApi('nope', 'a').operations).toEqual([]);
    const cyclic = { openapi: '3.0.0', components: { schemas: { A: { type: 'object', properties: { a: { $ref: '#/components/schemas/A' } } } } }, paths: { '/a': { post: { requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/A' } } } } } } } };
    expect(JSON.parse(operationsFromOpenApi(cyclic, 'a').operations[0]!.body!.example)).toEqual({ a: null });
  });
});

describe('filling an operation', () => {
  const [list, , put] = operationsFromOpenApi(document, 'api_1').operations;

  it('checks each value against its type before sending, naming the parameter', () => {
    const values = { 'path.petId': 'abc', 'header.X-Trace': '' };
    expect(buildOperationRequest(put!.parameters, values, put!.path)).toEqual({ ok: false, errors: { 'path.petId': '"abc" is not an integer', 'header.X-Trace': 'required' } });
    expect(checkParameterValue(list!.parameters[1]!, 'lost')).toBe('"lost" is not one of available, sold');
    expect(checkParameterValue(list!.parameters[0]!, '')).toBeUndefined();
    expect(checkParameterValue({ name: 'n', in: 'query', required: false, type: 'number' }, '1e3')).toBeUndefined();
    expect(checkParameterValue({ name: 'b', in: 'query', required: false, type: 'boolean' }, 'yes')).toBe('"yes" is not true or false');
  });

  it('fills the path template (encoded), appends the query (arrays repeated) and returns header parameters', () => {
    expect(buildOperationRequest(put!.parameters, { 'path.petId': '42', 'header.X-Trace': 't 1' }, put!.path)).toEqual({ ok: true, path: '/pets/42', headers: { 'X-Trace': 't 1' } });
    expect(buildOperationRequest(list!.parameters, { 'query.limit': '5', 'query.status': 'sold', 'query.tags': 'a b, c' }, '/pets')).toEqual({ ok: true, path: '/pets?limit=5&status=sold&tags=a%20b&tags=c', headers: {} });
    expect(buildOperationRequest([{ name: 'id', in: 'path', required: true }], { 'path.id': 'a/b' }, '/x/{id}?keep=1')).toEqual({ ok: true, path: '/x/a%2Fb?keep=1', headers: {} });
  });

  it('starts required parameters from their example or first enum value, optional ones empty', () => {
    expect(initialParameterValues(list!.parameters)).toEqual({ 'query.limit': '', 'query.status': 'available', 'query.tags': '' });
    expect(initialParameterValues(put!.parameters)).toEqual({ 'path.petId': '', 'header.X-Trace': 't-1' });
  });
});
