import { definePolicy } from 'gatehouse/policy-sdk';

interface Config {
  /** Top-level fields to rename: `{ old: new }`. */
  rename?: Record<string, string>;
  /** Top-level fields to leave out. */
  remove?: string[];
  /** Fields to set (after renaming and removing). */
  set?: Record<string, unknown>;
}

type Json = Record<string, unknown>;

/**
 * Rewrites a JSON response body on its way to the client: fields renamed, removed or set, in
 * the object or in each object of an array. Other responses pass untouched.
 */
export default definePolicy<Config>({
  name: 'rewrite-json',
  version: '1.0.0',
  title: 'Rewrite JSON responses',
  description: 'Renames, removes and sets top-level fields of JSON response bodies.',
  schema: {
    type: 'object',
    properties: {
      rename: { type: 'object', additionalProperties: { type: 'string' } },
      remove: { type: 'array', items: { type: 'string' } },
      set: { type: 'object' },
    },
    additionalProperties: false,
  },
  create(config, context) {
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite);
      if (value === null || typeof value !== 'object') return value;
      const out: Json = {};
      for (const [key, field] of Object.entries(value as Json)) {
        if (config.remove?.includes(key)) continue;
        out[config.rename?.[key] ?? key] = field;
      }
      return { ...out, ...config.set };
    };
    return {
      async onResponse(response) {
        if (!/\bjson\b/i.test(response.headers.get('content-type') ?? '')) return;
        let body: unknown;
        try {
          body = JSON.parse(await response.text());
        } catch {
          context.log.warn('the upstream said JSON but sent something else; passed as it is');
          return;
        }
        response.setBody(JSON.stringify(rewrite(body)));
      },
    };
  },
});
