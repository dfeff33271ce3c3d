/**
 * header-removal-flex: removes headers from the request sent upstream (inbound) and from the
 * response sent to the client (outbound). As in Flex, each entry is a header name or a regular
 * expression (`Access-Control.*`), matched against whole names ignoring case; the headers Flex
 * never removes (Host, Content-Length, …) stay whatever an entry matches.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { UNREMOVABLE_HEADERS, type HeaderRemovalConfig } from '../../shared/policies/header-removal';
import type { PolicyDefinition } from './types';

const PLAIN_NAME = /^[A-Za-z0-9_-]+$/;
const UNREMOVABLE = new Set(UNREMOVABLE_HEADERS);

/** A predicate on lower-case names; plain names take a set lookup, patterns one combined regex. */
function compileMatcher(entries: readonly string[]): ((name: string) => boolean) | undefined {
  const names = new Set<string>();
  const patterns: string[] = [];
  for (const entry of entries) {
    if (PLAIN_NAME.test(entry)) names.add(entry.toLowerCase());
    else patterns.push(`(?:${entry})`);
  }
  for (const name of UNREMOVABLE) names.delete(name);
  if (names.size === 0 && patterns.length === 0) return undefined;
  const regex = patterns.length ? new RegExp(`^(?:${patterns.join('|')})$`, 'i') : undefined;
  return (name) => !UNREMOVABLE.has(name) && (names.has(name) || (regex !== undefined && regex.test(name)));
}

function removeMatching(headers: Record<string, unknown> | OutgoingHttpHeaders, matches: (name: string) => boolean): number {
  let removed = 0;
  // Response heads built elsewhere may not use lower-case names.
  for (const key of Object.keys(headers)) {
    if (matches(key.toLowerCase())) {
      delete headers[key];
      removed++;
    }
  }
  return removed;
}

export const headerRemovalPolicy: PolicyDefinition<HeaderRemovalConfig> = {
  name: 'header-removal-flex',
  create(config) {
    const inbound = compileMatcher(config.inboundHeaders);
    const outbound = compileMatcher(config.outboundHeaders);
    const removeOutbound = (response: { headers: OutgoingHttpHeaders }) => {
      removeMatching(response.headers, outbound!);
    };
    const detail = [
      config.inboundHeaders.length ? `inbound: ${config.inboundHeaders.join(', ')}` : '',
      config.outboundHeaders.length ? `outbound: ${config.outboundHeaders.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return {
      onRequest(request) {
        const removed = inbound ? removeMatching(request.headers as Record<string, unknown>, inbound) : 0;
        if (outbound) request.onResponse(removeOutbound);
        return { action: 'continue', modified: removed > 0 || outbound !== undefined, detail };
      },
    };
  },
};
