/**
 * Breakpoints as the Traffic screen sees them: the embedded gateway's rules and paused messages,
 * loaded once and kept current by the `breakpoints.changed` event (no polling); plus the text
 * form of header lists that the editor uses ("name: value" per line).
 */
import { useCallback, useEffect, useState } from 'react';
import type { BreakpointRule, BreakpointRuleInput, BreakpointState, HeaderList } from '../../../../shared/contract/breakpoints';
import { errorMessage } from '../../lib/errors';
import { useClient } from '../../state/store';

export interface BreakpointsView {
  state: BreakpointState | undefined;
  loadError: string | undefined;
  /** An answer of a breakpoints.* call is the newest state: show it at once. */
  apply(state: BreakpointState): void;
}

export function useBreakpoints(): BreakpointsView {
  const client = useClient();
  const [state, setState] = useState<BreakpointState>();
  const [loadError, setLoadError] = useState<string>();
  useEffect(() => {
    let live = true;
    const off = client.on('breakpoints.changed', (next) => setState(next));
    client.breakpoints.get().then(
      (next) => {
        if (live) setState(next);
      },
      (error: unknown) => {
        if (live) setLoadError(errorMessage(error));
      },
    );
    return () => {
      live = false;
      off();
    };
  }, [client]);
  const apply = useCallback((next: BreakpointState) => setState(next), []);
  return { state, loadError, apply };
}

/** A stored rule as the input that sets it again (rules are always set as a whole list). */
export function ruleInput(rule: BreakpointRule): BreakpointRuleInput {
  return {
    id: rule.id,
    enabled: rule.enabled,
    request: rule.request,
    response: rule.response,
    ...(rule.method !== undefined ? { method: rule.method } : {}),
    ...(rule.path !== undefined ? { path: rule.path } : {}),
    ...(rule.header !== undefined ? { header: rule.header } : {}),
  };
}

/** `POST · path ~ ^/orders · header x-debug: 1 · request and response` */
export function describeRule(rule: BreakpointRule): string {
  const parts = [rule.method ?? 'Any method'];
  if (rule.path !== undefined) parts.push(`path ~ ${rule.path}`);
  if (rule.header !== undefined) parts.push(`header ${rule.header.name}${rule.header.value !== undefined ? `: ${rule.header.value}` : ''}`);
  parts.push(rule.request && rule.response ? 'request and response' : rule.request ? 'request' : 'response');
  return parts.join(' · ');
}

export function headersToText(headers: HeaderList): string {
  return headers.map(([name, value]) => `${name}: ${value}`).join('\n');
}

/** "name: value" lines (blank lines skipped); a line without a name and colon is an error naming it. */
export function textToHeaders(text: string): { headers: HeaderList } | { error: string } {
  const headers: HeaderList = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return { error: `line ${i + 1}: expected "name: value", got "${line}"` };
    headers.push([name, line.slice(colon + 1).trim()]);
  }
  return { headers };
}
