/**
 * Every built-in policy: name, title, description, category, scope, config schema and a
 * starting config. Config files, the admin API and the UI's forms all validate against these.
 */
import type { PolicyCatalogueEntry } from './catalogue-entry';
import { clientIdEnforcementEntry } from './client-id-enforcement';
import { corsEntry } from './cors';
import { faultInjectionEntry } from './fault-injection';
import { credentialInjectionApiKeyEntry, credentialInjectionBasicAuthEntry, credentialInjectionOAuth2Entry } from './credential-injection';
import { headerInjectionEntry } from './header-injection';
import { headerRemovalEntry } from './header-removal';
import { healthCheckEntry } from './health-check';
import { httpBasicAuthenticationEntry } from './http-basic-authentication';
import { httpCachingEntry } from './http-caching';
import { ipAllowlistEntry, ipBlocklistEntry } from './ip-filter';
import { oauth2TokenIntrospectionEntry } from './oauth2-token-introspection';
import { jsonThreatProtectionEntry } from './json-threat-protection';
import { messageLoggingEntry } from './message-logging';
import { circuitBreakerEntry } from './circuit-breaker';
import { idleTimeoutEntry, streamIdleTimeoutEntry } from './idle-timeouts';
import { jwtValidationEntry } from './jwt-validation';
import { rateLimitingEntry } from './rate-limiting';
import { rateLimitingSlaBasedEntry } from './rate-limiting-sla-based';
import { requestHandlingEntry } from './request-handling';
import { responseTimeoutEntry } from './response-timeout';
import { specValidationEntry } from './spec-validation';
import { spikeControlEntry } from './spike-control';
import { tlsEntry, tlsOutboundEntry } from './tls';

export const policyCatalogue: PolicyCatalogueEntry[] = [
  rateLimitingEntry,
  rateLimitingSlaBasedEntry,
  spikeControlEntry,
  responseTimeoutEntry,
  httpBasicAuthenticationEntry,
  clientIdEnforcementEntry,
  ipAllowlistEntry,
  ipBlocklistEntry,
  corsEntry,
  headerInjectionEntry,
  headerRemovalEntry,
  tlsEntry,
  tlsOutboundEntry,
  healthCheckEntry,
  requestHandlingEntry,
  jwtValidationEntry,
  credentialInjectionBasicAuthEntry,
  credentialInjectionApiKeyEntry,
  credentialInjectionOAuth2Entry,
  oauth2TokenIntrospectionEntry,
  httpCachingEntry,
  specValidationEntry,
  jsonThreatProtectionEntry,
  messageLoggingEntry,
  circuitBreakerEntry,
  streamIdleTimeoutEntry,
  idleTimeoutEntry,
  faultInjectionEntry,
] as PolicyCatalogueEntry[];

const byName = new Map(policyCatalogue.map((entry) => [entry.name, entry]));

export function findPolicy(name: string): PolicyCatalogueEntry | undefined {
  return byName.get(name);
}

export function policyNames(): string[] {
  return policyCatalogue.map((entry) => entry.name);
}
