/**
 * The UI's OpenAPI import reads untrusted files in the renderer: a YAML alias bomb is refused
 * with `file:line: too many aliases …` instead of freezing the window; anchors still work.
 */
import { describe, expect, it } from 'vitest';
import { yamlBomb } from '../../../shared/testing/yaml-bomb';
import { parseOpenApi } from './openapi';

describe('parseOpenApi with YAML aliases', () => {
  it('refuses an alias bomb with the file, the line of the alias and "too many aliases"', () => {
    const bomb = yamlBomb({ before: 'openapi: 3.0.3\ninfo: { title: Laughs, version: "1" }\nx-laughs:' });
    const result = parseOpenApi(bomb.text, 'laughs.yaml');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const match = /^laughs\.yaml:(\d+): too many aliases: \*l\d /.exec(result.message);
    expect(match, result.message).not.toBeNull();
    expect(bomb.aliasLines).toContain(Number(match![1]));
  });

  it('reads a document that reuses a response through an anchor', () => {
    const text = [
      'openapi: 3.0.3',
      'info: { title: Anchored, version: "2" }',
      'servers: [{ url: "https://api.example.com/v2" }]',
      'paths:',
      '  /a:',
      '    get: &op { responses: { "200": { description: ok } } }',
      '  /b:',
      '    get: *op',
      '    post: *op',
    ].join('\n');
    const result = parseOpenApi(text, 'anchored.yaml');
    expect(result).toEqual({ ok: true, value: expect.objectContaining({ name: 'Anchored', version: '2', basePath: '/v2', operations: 3 }) });
  });
});
