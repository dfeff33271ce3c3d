import { describe, expect, it } from 'vitest';
import { parseOpenApi } from './openapi';

describe('parseOpenApi', () => {
  it('reads name, version, upstream and base path from an OpenAPI 3 YAML document', () => {
    const result = parseOpenApi(
      ['openapi: 3.0.3', 'info:', '  title: Orders', '  version: 1.4.0', 'servers:', '  - url: https://{env}.example.com/v1', '    variables:', '      env: { default: api }', 'paths:', '  /orders: { get: {}, post: {} }', '  /orders/{id}: { get: {} }'].join('\n'),
      'orders.yaml',
    );
    expect(result).toEqual({ ok: true, value: expect.objectContaining({ name: 'Orders', version: '1.4.0', implementationUrl: 'https://api.example.com/v1', basePath: '/v1', operations: 3, warnings: [] }) });
  });

  it('reads JSON, and derives the base path from the title when the server URL has no path', () => {
    const result = parseOpenApi(JSON.stringify({ openapi: '3.1.0', info: { title: 'Pet Store', version: '2' }, servers: [{ url: 'http://127.0.0.1:3000' }], paths: {} }), 'pets.json');
    expect(result.ok && result.value).toMatchObject({ basePath: '/pet-store', implementationUrl: 'http://127.0.0.1:3000' });
  });

  it('warns about what it could not fill in', () => {
    const result = parseOpenApi('openapi: 3.0.0\ninfo: { title: Relative }\nservers: [{ url: /api/v2 }]\n', 'rel.yaml');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.implementationUrl).toBeUndefined();
    expect(result.value.basePath).toBe('/api/v2');
    expect(result.value.warnings.join('\n')).toMatch(/relative \(\/api\/v2\)/);
    expect(result.value.warnings.join('\n')).toMatch(/"info.version" is missing/);
  });

  it.each([
    ['', 'empty.yaml: the file is empty'],
    ['openapi: 3.0.3\ninfo:\n  title: [unclosed\n', 'bad.yaml: line 3: not valid JSON or YAML (this [ is never closed with ])'],
    ['{"swagger": "2.0", "info": {"title": "x"}}', 'is a Swagger 2.0 document; only OpenAPI 3 is supported'],
    ['info: { title: x }', '"openapi" is missing'],
    ['openapi: 2.5.0\ninfo: { title: x }', 'only OpenAPI 3.x is supported'],
    ['openapi: 3.0.0\ninfo: { version: 1 }', '"info.title" is missing or empty'],
    ['- just\n- a list', 'does not contain an OpenAPI document'],
  ])('explains a bad file: %j', (text, message) => {
    const name = message.split(':')[0]!.endsWith('.yaml') ? message.split(':')[0]! : 'spec.yaml';
    const result = parseOpenApi(text, name);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });
});
