/**
 * Name → implementation for every built-in policy, and for custom policies registered at run
 * time. The catalogue (shared/policies) holds the schemas; this holds the code that runs them.
 * Every built-in is imported and listed here explicitly, so importing this module is enough to
 * have all of them, whatever the import order elsewhere.
 */
import { findPolicy } from '../../shared/policies/catalogue';
import { clientIdEnforcementPolicy } from './client-id-enforcement';
import { corsPolicy } from './cors';
import { faultInjectionPolicy } from './fault-injection';
import { credentialInjectionApiKeyPolicy, credentialInjectionBasicAuthPolicy } from './credential-injection';
import { credentialInjectionOAuth2Policy } from './credential-injection-oauth2';
import { headerInjectionPolicy } from './header-injection';
import { httpCachingPolicy } from './http-caching';
import { headerRemovalPolicy } from './header-removal';
import { httpBasicAuthenticationPolicy } from './http-basic-authentication';
import { ipAllowlistPolicy, ipBlocklistPolicy } from './ip-filter';
import { oauth2TokenIntrospectionPolicy } from './oauth2-token-introspection';
import { jsonThreatProtectionPolicy } from './json-threat-protection';
import { messageLoggingPolicy } from './message-logging';
import { circuitBreakerPolicy } from './circuit-breaker';
import { idleTimeoutPolicy, streamIdleTimeoutPolicy } from './idle-timeouts';
import { jwtValidationPolicy } from './jwt-validation';
import { rateLimitingPolicy } from './rate-limiting';
import { rateLimitingSlaBasedPolicy } from './rate-limiting-sla-based';
import { requestHandlingPolicy } from './request-handling';
import { responseTimeoutPolicy } from './response-timeout';
import { specValidationPolicy } from './spec-validation';
import { spikeControlPolicy } from './spike-control';
import type { PolicyDefinition } from './types';

/** What the compiler calls: configs arrive validated by the catalogue schema. */
export type AnyPolicyDefinition = PolicyDefinition<Record<string, unknown>>;

/** Definitions are generic in their config type; the registry stores them by name only. */
function erase<C>(definition: PolicyDefinition<C>): AnyPolicyDefinition {
  return definition as unknown as AnyPolicyDefinition;
}

/**
 * A built-in always gets a config parsed by its catalogue schema (defaults filled in), even
 * when the caller did not parse it; parsing is idempotent and runs once per snapshot.
 */
function builtIn<C>(definition: PolicyDefinition<C>): AnyPolicyDefinition {
  const entry = findPolicy(definition.name);
  if (!entry) throw new Error(`built-in policy "${definition.name}" has no catalogue entry`);
  return {
    name: definition.name,
    create(config, context) {
      const parsed = entry.schema.safeParse(config);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new Error(`${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
      }
      return definition.create(parsed.data as C, context);
    },
  };
}

export const builtInPolicies: readonly AnyPolicyDefinition[] = [
  builtIn(rateLimitingPolicy),
  builtIn(rateLimitingSlaBasedPolicy),
  builtIn(spikeControlPolicy),
  builtIn(responseTimeoutPolicy),
  builtIn(httpBasicAuthenticationPolicy),
  builtIn(clientIdEnforcementPolicy),
  builtIn(ipAllowlistPolicy),
  builtIn(ipBlocklistPolicy),
  builtIn(corsPolicy),
  builtIn(headerInjectionPolicy),
  builtIn(headerRemovalPolicy),
  builtIn(requestHandlingPolicy),
  builtIn(jwtValidationPolicy),
  builtIn(credentialInjectionBasicAuthPolicy),
  builtIn(credentialInjectionApiKeyPolicy),
  builtIn(credentialInjectionOAuth2Policy),
  builtIn(oauth2TokenIntrospectionPolicy),
  builtIn(httpCachingPolicy),
  builtIn(specValidationPolicy),
  builtIn(jsonThreatProtectionPolicy),
  builtIn(messageLoggingPolicy),
  builtIn(circuitBreakerPolicy),
  builtIn(streamIdleTimeoutPolicy),
  builtIn(idleTimeoutPolicy),
  builtIn(faultInjectionPolicy),
];

const builtInNames = new Set(builtInPolicies.map((definition) => definition.name));
const definitions = new Map<string, AnyPolicyDefinition>(builtInPolicies.map((definition) => [definition.name, definition]));

/** Adds (or replaces) a custom policy. A built-in cannot be replaced by accident. */
export function registerPolicy<C>(definition: PolicyDefinition<C>, options: { replaceBuiltIn?: boolean } = {}): void {
  if (typeof definition?.name !== 'string' || definition.name === '' || typeof definition.create !== 'function')
    throw new Error('a policy definition needs a name and a create(config, context) function');
  if (builtInNames.has(definition.name) && !options.replaceBuiltIn) throw new Error(`policy "${definition.name}" is built in and cannot be replaced`);
  definitions.set(definition.name, erase(definition));
}

/** Removes a custom policy (e.g. when its file is deleted); built-ins stay. */
export function unregisterPolicy(name: string): boolean {
  if (builtInNames.has(name)) return false;
  return definitions.delete(name);
}

export function policyDefinition(name: string): AnyPolicyDefinition | undefined {
  return definitions.get(name);
}

export function registeredPolicyNames(): string[] {
  return [...definitions.keys()].sort();
}

export function isBuiltInPolicy(name: string): boolean {
  return builtInNames.has(name);
}
