/** A YAML-body call keeps its other fields: an import preview must reach the server as a dry run. */
import { describe, expect, it } from 'vitest';
import { buildHttpRequest } from './routes';

describe('buildHttpRequest for body: yaml', () => {
  it('sends the document as the body and mode, dryRun and environment in the query', () => {
    const built = buildHttpRequest('config.import', { yaml: 'kind: Gateway\n', mode: 'merge', dryRun: true, environment: 'staging' });
    expect(built).toEqual({ method: 'PUT', url: '/api/v1/config?mode=merge&dryRun=true&environment=staging', body: 'kind: Gateway\n', contentType: 'application/yaml' });
  });

  it('adds no query when there is only the document', () => {
    expect(buildHttpRequest('config.import', { yaml: 'a: 1\n' }).url).toBe('/api/v1/config');
  });
});
