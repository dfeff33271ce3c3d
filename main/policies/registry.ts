/**
 * Name → implementation for every built-in policy. The catalogue (shared/policies) holds the
 * schemas; this holds the code that runs them.
 */
import type { PolicyDefinition } from './types';

const definitions = new Map<string, PolicyDefinition<any>>();

export function registerPolicy(definition: PolicyDefinition<any>): void {
  definitions.set(definition.name, definition);
}

export function policyDefinition(name: string): PolicyDefinition<any> | undefined {
  return definitions.get(name);
}

export function registeredPolicyNames(): string[] {
  return [...definitions.keys()].sort();
}
