/**
 * Flex `rules` (on policy bindings and routes), compiled once per snapshot into a predicate.
 * Rules OR together; the fields of one rule AND together. Every regex matches the whole value.
 * For a policy binding, `path` matches either the path as the client sent it or the path
 * relative to the API's base path, so `/users/.*` works on an API mounted at `/api` as users of
 * both styles expect. Routes match the relative path only, as Flex does (see route-rules.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { PolicyRule } from '../../shared/policies/common';
import type { SourceLocation } from './snapshot';
import { SnapshotError } from './snapshot-error';

export type RuleMatcher = (method: string, path: string, relativePath: string, host: string, headers: IncomingHttpHeaders) => boolean;

/** Undefined when there are no rules: the binding or route always applies. */
export function compileRules(rules: readonly PolicyRule[] | undefined, field: string, source?: SourceLocation): RuleMatcher | undefined {
  if (!rules || rules.length === 0) return undefined;
  const compiled = rules.map((rule, index) => compileRule(rule, `${field}[${index}]`, source));
  if (compiled.length === 1) return compiled[0];
  return (method, path, relativePath, host, headers) => {
    for (let i = 0; i < compiled.length; i++) if (compiled[i]!(method, path, relativePath, host, headers)) return true;
    return false;
  };
}

function compileRule(rule: PolicyRule, field: string, source?: SourceLocation): RuleMatcher {
  const checks: RuleMatcher[] = [];
  if (rule.path !== undefined) {
    const path = wholeValue(rule.path, `${field}.path`, '', source);
    checks.push((_m, p, relative) => path.test(p) || path.test(relative));
  }
  const conditions = compileConditions(rule, field, source);
  if (conditions !== undefined) checks.push((m, _p, _r, h, headers) => conditions(m, h, headers));
  if (checks.length === 0) return () => true;
  if (checks.length === 1) return checks[0]!;
  return (method, path, relativePath, host, headers) => {
    for (let i = 0; i < checks.length; i++) if (!checks[i]!(method, path, relativePath, host, headers)) return false;
    return true;
  };
}

/** A rule's methods, host and headers (everything but the path); undefined when it has none. */
export type ConditionMatcher = (method: string, host: string, headers: IncomingHttpHeaders) => boolean;

export function compileConditions(rule: PolicyRule, field: string, source?: SourceLocation): ConditionMatcher | undefined {
  const checks: ConditionMatcher[] = [];
  if (rule.methods !== undefined) {
    if (Array.isArray(rule.methods)) {
      const methods = new Set(rule.methods.map((method) => method.toUpperCase()));
      checks.push((m) => methods.has(m));
    } else {
      const methods = wholeValue(rule.methods, `${field}.methods`, 'i', source);
      checks.push((m) => methods.test(m));
    }
  }
  if (rule.host !== undefined) {
    const host = wholeValue(rule.host, `${field}.host`, 'i', source);
    // With or without the port: `api.local` should match `Host: api.local:8081`.
    checks.push((_m, h) => host.test(h) || host.test(stripPort(h)));
  }
  for (const [index, entry] of (rule.headers ?? []).entries()) {
    for (const [name, pattern] of Object.entries(entry)) {
      const header = name.toLowerCase();
      const value = wholeValue(pattern, `${field}.headers[${index}].${name}`, '', source);
      checks.push((_m, _h, headers) => {
        const actual = headers[header];
        if (actual === undefined) return false;
        return Array.isArray(actual) ? actual.some((v) => value.test(v)) : value.test(actual);
      });
    }
  }
  if (checks.length === 0) return undefined;
  if (checks.length === 1) return checks[0]!;
  return (method, host, headers) => {
    for (let i = 0; i < checks.length; i++) if (!checks[i]!(method, host, headers)) return false;
    return true;
  };
}

export function wholeValue(source: string, field: string, flags: string, location?: SourceLocation): RegExp {
  try {
    return new RegExp(`^(?:${source})$`, flags);
  } catch (error) {
    throw SnapshotError.at(field, `invalid regular expression: ${(error as Error).message}`, location);
  }
}

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end < 0 ? host : host.slice(0, end + 1);
  }
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}
