import { decide, definePolicy } from 'gatehouse/policy-sdk';

interface Config {
  /** The request header to check (case-insensitive). */
  header: string;
  /** A regular expression the whole value must match; absent: any value will do, as long as the header is there. */
  pattern?: string;
  /** The status of the refusal (default 400). */
  status?: number;
}

/** Rejects a request whose header is missing or does not match, before the upstream is called. */
export default definePolicy<Config>({
  name: 'require-header',
  version: '1.0.0',
  title: 'Require a header',
  description: 'Rejects requests that lack a header, or whose value does not match a pattern.',
  schema: {
    type: 'object',
    properties: {
      header: { type: 'string', minLength: 1 },
      pattern: { type: 'string' },
      status: { type: 'integer', minimum: 400, maximum: 499 },
    },
    required: ['header'],
    additionalProperties: false,
  },
  fields: {
    header: { label: 'Header', placeholder: 'x-api-version' },
    pattern: { label: 'Value must match', help: 'A regular expression for the whole value; empty: any value', placeholder: '^v[12]$' },
    status: { label: 'Status when refused', placeholder: '400' },
  },
  create(config) {
    // Compiled once per binding, not per request.
    const pattern = config.pattern === undefined ? undefined : new RegExp(`^(?:${config.pattern})$`);
    const status = config.status ?? 400;
    return {
      onRequest(request) {
        const value = request.headers.get(config.header);
        if (value === undefined) return decide.reject(status, `the ${config.header} header is required`, { code: 'HEADER_REQUIRED' });
        if (pattern && !pattern.test(value)) return decide.reject(status, `${config.header} must match ${config.pattern}`, { code: 'HEADER_REJECTED' });
        return decide.continue();
      },
    };
  },
});
