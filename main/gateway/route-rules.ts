/**
 * Route rules as Flex Gateway applies them (local-mode reference, `spec.rules[#].path`): the
 * path regex matches the whole path *relative to the API's base path* (a base path must not be
 * repeated in the rule), and its capture groups select what is forwarded: the concatenation of
 * every captured substring, appended to the route's destinationPath. A rule without a capture
 * group (or without a path) forwards the whole relative path. Methods, host and headers match
 * as for policy rules. Compiled once per snapshot; a rule without capture groups costs one
 * `test`, never an allocation.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { PolicyRule } from '../../shared/policies/common';
import { compileConditions, wholeValue, type ConditionMatcher } from './rules';
import type { SourceLocation } from './snapshot';

/** What a route rule reads of a request (GatewayRequest has these fields). */
export interface RouteRequest {
  readonly method: string;
  /** Path below the base path, '' for the base path itself. */
  readonly relativePath: string;
  /** The same, but `/` for the base path itself (what rules match against). */
  readonly relativeOrRoot: string;
  readonly host: string;
  readonly headers: IncomingHttpHeaders;
}

/** The path to forward below the destination ('' or starting with `/`), or undefined: no match. */
export type RouteMatcher = (request: RouteRequest) => string | undefined;

/** Undefined when there are no rules: the route takes every request and forwards its whole relative path. */
export function compileRouteRules(rules: readonly PolicyRule[] | undefined, field: string, source?: SourceLocation): RouteMatcher | undefined {
  if (!rules || rules.length === 0) return undefined;
  const compiled = rules.map((rule, index) => compileRouteRule(rule, `${field}[${index}]`, source));
  if (compiled.length === 1) return compiled[0];
  return (request) => {
    for (let i = 0; i < compiled.length; i++) {
      const forwarded = compiled[i]!(request);
      if (forwarded !== undefined) return forwarded;
    }
    return undefined;
  };
}

function compileRouteRule(rule: PolicyRule, field: string, source?: SourceLocation): RouteMatcher {
  const conditions: ConditionMatcher | undefined = compileConditions(rule, field, source);
  const pass = (request: RouteRequest) => conditions === undefined || conditions(request.method, request.host, request.headers);
  if (rule.path === undefined) return (request) => (pass(request) ? request.relativePath : undefined);
  const path = wholeValue(rule.path, `${field}.path`, '', source);
  if (captureGroups(rule.path) === 0) return (request) => (path.test(request.relativeOrRoot) && pass(request) ? request.relativePath : undefined);
  return (request) => {
    if (!pass(request)) return undefined;
    const match = path.exec(request.relativeOrRoot);
    return match === null ? undefined : joinCaptures(match);
  };
}

/** How many capture groups (named ones included) a regex has. */
export function captureGroups(source: string): number {
  return new RegExp(`${source}|`).exec('')!.length - 1;
}

/** `/api(/.*)/x(/.*)` on `/api/a/x/b` → `/a/b`; a capture without a leading slash gets one. */
function joinCaptures(match: RegExpExecArray): string {
  let forwarded = '';
  for (let i = 1; i < match.length; i++) forwarded += match[i] ?? '';
  return forwarded === '' || forwarded.charCodeAt(0) === 47 /* / */ ? forwarded : `/${forwarded}`;
}
