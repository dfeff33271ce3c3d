/**
 * What the command palette can find besides its actions: APIs, policy bindings (by title, by
 * catalogue name and category, with their API), applications, alert rules, gateways, Settings
 * sections and requests in the traffic log by path. Each result navigates to where the thing is.
 */
import type { AlertRule, Api, Application, Gateway, PolicyBinding } from '../../../shared/contract/models';
import type { TrafficEntry } from '../../../shared/contract/telemetry-models';
import { findPolicy } from '../../../shared/policies/catalogue';
import { timeAgo } from '../lib/format';
import { requestTarget } from '../lib/har';
import { apiPath, navigate } from '../router/router';
import { SETTINGS_SECTIONS } from '../screens/settings/settings-sections';
import type { IconName } from '../ui/icons';

export type PaletteGroup = 'Actions' | 'Go to' | 'APIs' | 'Policies' | 'Applications' | 'Alert rules' | 'Gateways' | 'Settings' | 'Traffic';

export interface PaletteCommand {
  id: string;
  label: string;
  group: PaletteGroup;
  icon: IconName;
  /** Muted text after the label, e.g. the API a policy is on. Searched as well. */
  detail?: string;
  keywords?: string;
  /** Right-aligned: a shortcut, a base path, a state. */
  hint?: string;
  run(): void | Promise<void>;
}

/** Every word typed must appear in the label, detail, keywords or group (in any order). */
export function matchCommands(commands: PaletteCommand[], query: string): PaletteCommand[] {
  const words = queryWords(query);
  if (words.length === 0) return commands;
  return commands.filter((command) => {
    const text = `${command.label} ${command.detail ?? ''} ${command.keywords ?? ''} ${command.group}`.toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

export function queryWords(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

const CATEGORY_WORDS: Record<string, string> = {
  traffic: 'traffic control',
  security: 'security authentication auth',
  transformation: 'transformation headers',
  quality: 'quality of service',
  tls: 'tls certificate',
  custom: 'custom',
};

export interface PaletteData {
  apis: readonly Api[];
  /** Bindings by API id, in run order. */
  policies: Readonly<Record<string, readonly PolicyBinding[]>>;
  applications: readonly Application[];
  alertRules: readonly AlertRule[];
  gateways: readonly Gateway[];
}

/** The things of the app, one result each; shown once something is typed. */
export function entityCommands(data: PaletteData): PaletteCommand[] {
  const apiName = (id: string | undefined) => {
    const api = data.apis.find((a) => a.id === id);
    return api ? `${api.name} ${api.version}` : undefined;
  };
  const policies = data.apis.flatMap((api) =>
    (data.policies[api.id] ?? []).map((binding, index): PaletteCommand => {
      const entry = findPolicy(binding.policyRef);
      return {
        id: `policy-${binding.id}`,
        label: entry?.title ?? binding.policyRef,
        group: 'Policies',
        icon: 'shield',
        detail: `on ${api.name} ${api.version}`,
        keywords: `${binding.policyRef} ${entry ? CATEGORY_WORDS[entry.category] ?? entry.category : ''} policy`,
        hint: binding.enabled ? `#${index + 1}` : `#${index + 1} · disabled`,
        run: () => navigate(apiPath(api.id, 'policies')),
      };
    }),
  );
  const applications = data.applications.map(
    (app): PaletteCommand => ({
      id: `application-${app.id}`,
      label: app.name,
      group: 'Applications',
      icon: 'applications',
      detail: app.clientId,
      keywords: `application client ${app.description ?? ''}`,
      run: () => navigate('/applications'),
    }),
  );
  const rules = data.alertRules.map(
    (rule): PaletteCommand => ({
      id: `alert-rule-${rule.id}`,
      label: rule.name,
      group: 'Alert rules',
      icon: 'alerts',
      detail: apiName(rule.apiId) ? `on ${apiName(rule.apiId)}` : undefined,
      keywords: `alert rule ${rule.kind}`,
      hint: !rule.enabled ? 'disabled' : rule.state === 'alerting' ? 'alerting' : undefined,
      run: () => navigate('/alerts'),
    }),
  );
  const gateways = data.gateways.map(
    (gateway): PaletteCommand => ({
      id: `gateway-${gateway.id}`,
      label: gateway.name,
      group: 'Gateways',
      icon: 'gateways',
      detail: `${gateway.kind} · :${gateway.port}`,
      keywords: 'gateway',
      hint: gateway.status,
      run: () => navigate('/gateways'),
    }),
  );
  const sections = SETTINGS_SECTIONS.map(
    (section): PaletteCommand => ({
      id: `settings-${section.id}`,
      label: section.title,
      group: 'Settings',
      icon: 'settings',
      keywords: `settings ${section.keywords}`,
      run: () => navigate(`/settings?section=${section.id}`),
    }),
  );
  return [...policies, ...applications, ...rules, ...gateways, ...sections];
}

/**
 * Requests whose method and path contain every word typed: one result per method and path
 * (the newest), at most `limit`. Choosing one opens Traffic filtered to that path, with the
 * request's details open.
 */
export function trafficCommands(entries: readonly TrafficEntry[], query: string, limit = 6, now = Date.now()): PaletteCommand[] {
  const words = queryWords(query);
  if (words.length === 0) return [];
  const seen = new Set<string>();
  const out: PaletteCommand[] = [];
  for (const entry of [...entries].sort((a, b) => b.at - a.at)) {
    const target = requestTarget(entry);
    const key = `${entry.method} ${target}`;
    if (seen.has(key) || !words.every((word) => key.toLowerCase().includes(word))) continue;
    seen.add(key);
    out.push({
      id: `traffic-${entry.id}`,
      label: key,
      group: 'Traffic',
      icon: 'traffic',
      detail: entry.apiName,
      hint: `${entry.status} · ${timeAgo(entry.at, now)}`,
      run: () => navigate(`/traffic?q=${encodeURIComponent(entry.path)}&entry=${encodeURIComponent(entry.id)}`),
    });
    if (out.length >= limit) break;
  }
  return out;
}

/** The word to ask the server's request log for (its `path` filter takes one): the longest typed. */
export function trafficSearchWord(query: string): string | undefined {
  const word = queryWords(query).sort((a, b) => b.length - a.length)[0];
  return word && word.length >= 2 ? word : undefined;
}
