/**
 * header-injection-flex: adds headers to the request sent upstream (inbound) and to the
 * response sent to the client (outbound). Values are literals or expressions, compiled once;
 * expressions are evaluated against the incoming request. An injected header replaces one of
 * the same name; a name listed twice is sent twice.
 */
import type { HeaderInjectionConfig } from '../../shared/policies/header-injection';
import { parseExpression } from '../../shared/expressions';
import { compileRequestExpression, headerSafe, type RequestValue } from './request-expression';
import type { PolicyDecision, PolicyDefinition, PolicyRequest, ResponseHook } from './types';

interface Injection {
  name: string;
  values: RequestValue[];
  /** What to send when every value is a literal: computed here, not per request. */
  constant: string | string[] | undefined;
}

function compileInjections(headers: readonly { key: string; value: string }[]): Injection[] {
  const byName = new Map<string, Injection & { literals: string[] | undefined }>();
  for (const { key, value } of headers) {
    const name = key.toLowerCase();
    const injection = byName.get(name) ?? { name, values: [], constant: undefined, literals: [] };
    injection.values.push(compileRequestExpression(value));
    const parsed = parseExpression(value);
    if (parsed.ok && parsed.expression.kind === 'literal') injection.literals?.push(headerSafe(parsed.expression.value));
    else injection.literals = undefined;
    byName.set(name, injection);
  }
  return [...byName.values()].map(({ literals, ...injection }) => ({
    ...injection,
    constant: literals === undefined ? undefined : literals.length === 1 ? literals[0] : literals,
  }));
}

/** Every injection is a literal: no expression to evaluate, so values go in directly. */
function allConstant(injections: readonly Injection[]): boolean {
  return injections.every((injection) => injection.constant !== undefined);
}

/** A header value to store: a list is copied, so that nothing downstream can change the constant. */
function copyOf(value: string | string[]): string | string[] {
  return typeof value === 'string' ? value : value.slice();
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
    const continued: PolicyDecision = { action: 'continue', modified: true, detail };
    const inboundConstant = allConstant(inbound);
    // Literal outbound headers: one hook shared by every request instead of a closure each.
    const constantOutbound: ResponseHook | undefined = allConstant(outbound)
      ? ({ headers }) => {
          for (const injection of outbound) headers[injection.name] = copyOf(injection.constant!);
        }
      : undefined;
    return {
      onRequest(request) {
        if (inbound.length > 0) {
          const headers = request.headers as Record<string, string | string[] | undefined>;
          if (inboundConstant) for (const injection of inbound) headers[injection.name] = copyOf(injection.constant!);
          // Expressions all see the request as it came in: evaluate every value, then set them.
          else for (const [name, value] of evaluate(inbound, request)) headers[name] = value;
        }
        if (outbound.length > 0) {
          if (constantOutbound !== undefined) request.onResponse(constantOutbound);
          else {
            const values = evaluate(outbound, request);
            if (values.length > 0)
              request.onResponse(({ headers }) => {
                for (const [name, value] of values) headers[name] = value;
              });
          }
        }
        return continued;
      },
    };
  },
};
