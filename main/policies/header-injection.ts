/**
 * header-injection-flex: adds headers to the request sent upstream (inbound) and to the
 * response sent to the client (outbound). Values are literals or expressions, compiled once;
 * expressions are evaluated against the incoming request. An injected header replaces one of
 * the same name; a name listed twice is sent twice.
 */
import type { HeaderInjectionConfig } from '../../shared/policies/header-injection';
import { compileRequestExpression, headerSafe, type RequestValue } from './request-expression';
import type { PolicyDefinition, PolicyRequest } from './types';

interface Injection {
  name: string;
  values: RequestValue[];
}

function compileInjections(headers: readonly { key: string; value: string }[]): Injection[] {
  const byName = new Map<string, Injection>();
  for (const { key, value } of headers) {
    const name = key.toLowerCase();
    const injection = byName.get(name) ?? { name, values: [] };
    injection.values.push(compileRequestExpression(value));
    byName.set(name, injection);
  }
  return [...byName.values()];
}

/** The values to send for each header; a header whose expressions all come out empty is skipped. */
function evaluate(injections: readonly Injection[], request: PolicyRequest): [string, string | string[]][] {
  const out: [string, string | string[]][] = [];
  for (const { name, values } of injections) {
    const evaluated: string[] = [];
    for (const value of values) {
      const result = value(request);
      if (result !== undefined) evaluated.push(headerSafe(result));
    }
    if (evaluated.length === 1) out.push([name, evaluated[0]!]);
    else if (evaluated.length > 1) out.push([name, evaluated]);
  }
  return out;
}

export const headerInjectionPolicy: PolicyDefinition<HeaderInjectionConfig> = {
  name: 'header-injection-flex',
  create(config) {
    const inbound = compileInjections(config.inboundHeaders);
    const outbound = compileInjections(config.outboundHeaders);
    const detail = [inbound.length ? `inbound: ${inbound.map((h) => h.name).join(', ')}` : '', outbound.length ? `outbound: ${outbound.map((h) => h.name).join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
    return {
      onRequest(request) {
        if (inbound.length > 0) {
          const headers = request.headers as Record<string, string | string[] | undefined>;
          for (const [name, value] of evaluate(inbound, request)) headers[name] = value;
        }
        if (outbound.length > 0) {
          const values = evaluate(outbound, request);
          if (values.length > 0)
            request.onResponse(({ headers }) => {
              for (const [name, value] of values) headers[name] = value;
            });
        }
        return { action: 'continue', modified: true, detail };
      },
    };
  },
};
