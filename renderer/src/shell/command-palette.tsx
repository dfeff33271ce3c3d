/**
 * Ctrl/Cmd+K: every main action and place, and, as you type, the things of the app (APIs,
 * policies, applications, alert rules, gateways, Settings sections, requests by path; see
 * palette-commands.ts). Enter runs or opens the highlighted one. A combobox + listbox, so screen
 * readers follow the highlighted option.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { TrafficEntry } from '../../../shared/contract/telemetry-models';
import { apiPath, navigate } from '../router/router';
import { useAppContext, useAppStore } from '../state/store';
import { exportConfig } from '../lib/config-actions';
import { errorMessage } from '../lib/errors';
import { resolveTheme } from '../lib/theme';
import { Icon } from '../ui/icons';
import { entityCommands, matchCommands, trafficCommands, trafficSearchWord, type PaletteCommand } from './palette-commands';
import { NAV_ITEMS } from './sidebar';

/** Asks the server's request log for older requests once typing pauses this long. */
const TRAFFIC_SEARCH_DELAY_MS = 150;

/** Actions, places and APIs: what the palette lists before anything is typed. */
function useCommands(): PaletteCommand[] {
  const { store, client } = useAppContext();
  const apis = useAppStore((s) => s.apis);
  const paused = useAppStore((s) => s.allTraffic.paused);
  return useMemo(() => {
    const state = () => store.getState();
    const toastError = (title: string) => (error: unknown) => state().pushToast({ kind: 'error', title, message: errorMessage(error) });
    const actions: PaletteCommand[] = [
      { id: 'add-api', label: 'Add API', group: 'Actions', icon: 'plus', keywords: 'new create upstream', run: () => state().openDialog({ name: 'add-api' }) },
      { id: 'import-openapi', label: 'Import OpenAPI file', group: 'Actions', icon: 'upload', keywords: 'swagger spec yaml json', run: () => state().openDialog({ name: 'import-openapi' }) },
      { id: 'add-application', label: 'Add application', group: 'Actions', icon: 'applications', keywords: 'client id secret consumer', run: () => state().openDialog({ name: 'add-application' }) },
      { id: 'add-gateway', label: 'Add gateway', group: 'Actions', icon: 'gateways', keywords: 'docker replica', run: () => state().openDialog({ name: 'add-gateway' }) },
      {
        id: 'export-config',
        label: 'Export configuration (YAML)',
        group: 'Actions',
        icon: 'download',
        keywords: 'backup download declarative',
        run: () =>
          exportConfig(client).then(
            (file) => void state().pushToast({ kind: 'success', title: 'Configuration exported', message: file }),
            (error: unknown) => void toastError('Export failed')(error),
          ),
      },
      {
        id: 'toggle-pause',
        label: paused ? 'Resume traffic' : 'Pause all traffic',
        group: 'Actions',
        icon: paused ? 'play' : 'pause',
        keywords: 'gateways 503 stop maintenance',
        run: () =>
          state()
            .setAllTrafficPaused(!paused)
            .then(
              () => undefined,
              (error: unknown) => void toastError(paused ? 'Could not resume traffic' : 'Could not pause traffic')(error),
            ),
      },
      {
        id: 'toggle-theme',
        label: 'Toggle light / dark theme',
        group: 'Actions',
        icon: 'moon',
        keywords: 'dark mode appearance',
        run: () =>
          state()
            .updateSettings({ theme: resolveTheme(state().settings.theme) === 'dark' ? 'light' : 'dark' })
            .then(
              () => undefined,
              (error: unknown) => void toastError('Could not change the theme')(error),
            ),
      },
    ];
    const places: PaletteCommand[] = NAV_ITEMS.map((item) => ({ id: `go-${item.id}`, label: item.label, group: 'Go to', icon: item.icon, hint: item.shortcut, run: () => navigate(item.path) }));
    const apiCommands: PaletteCommand[] = apis.flatMap((api) => [
      { id: `api-${api.id}`, label: `${api.name} ${api.version}`, group: 'APIs' as const, icon: 'apis' as const, keywords: `open ${api.basePath}`, hint: api.basePath, run: () => navigate(apiPath(api.id)) },
      { id: `try-${api.id}`, label: `Try ${api.name}`, group: 'APIs' as const, icon: 'send' as const, keywords: 'send request test', run: () => navigate(apiPath(api.id, 'try')) },
    ]);
    return [...actions, ...places, ...apiCommands];
  }, [apis, client, paused, store]);
}

/** Loads what the palette searches that no screen may have loaded yet (each policy list is per API). */
function useSearchableData(): void {
  const { store } = useAppContext();
  useEffect(() => {
    const state = store.getState();
    if (state.applicationsLoad.status === 'idle') void state.loadApplications();
    if (state.alertRulesLoad.status === 'idle') void state.loadAlertRules();
    if (state.gatewaysLoad.status === 'idle') void state.loadGateways();
    for (const api of state.apis) if (!state.policiesLoad[api.id]) void state.loadPolicies(api.id);
  }, [store]);
}

/** The things of the app matching `query`, and requests by path (live window and the server's log). */
function useFoundCommands(query: string): PaletteCommand[] {
  const { client } = useAppContext();
  const apis = useAppStore((s) => s.apis);
  const policies = useAppStore((s) => s.policies);
  const applications = useAppStore((s) => s.applications);
  const alertRules = useAppStore((s) => s.alertRules);
  const gateways = useAppStore((s) => s.gateways);
  const live = useAppStore((s) => s.traffic);
  const [stored, setStored] = useState<TrafficEntry[]>([]);
  const entities = useMemo(() => entityCommands({ apis, policies, applications, alertRules, gateways }), [apis, policies, applications, alertRules, gateways]);

  const word = trafficSearchWord(query);
  useEffect(() => {
    if (!word) return setStored([]);
    let current = true;
    const timer = setTimeout(() => {
      client.traffic.list({ path: word, limit: 50 }).then(
        (entries) => current && setStored(entries),
        () => undefined, // The live window still answers; a failed search is not worth a toast here.
      );
    }, TRAFFIC_SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, word]);

  return useMemo(() => {
    if (!query.trim()) return [];
    const byId = new Map<string, TrafficEntry>();
    for (const entry of [...live, ...stored]) byId.set(entry.id, entry);
    return [...matchCommands(entities, query), ...trafficCommands([...byId.values()], query)];
  }, [entities, live, stored, query]);
}

export function CommandPalette() {
  const open = useAppStore((s) => s.paletteOpen);
  const setOpen = useAppStore((s) => s.setPaletteOpen);
  if (!open) return null;
  return <PaletteDialog onClose={() => setOpen(false)} />;
}

function PaletteDialog({ onClose }: { onClose(): void }) {
  const commands = useCommands();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  useSearchableData();
  const found = useFoundCommands(query);
  const results = useMemo(() => [...matchCommands(commands, query), ...found], [commands, found, query]);
  const previous = useRef<Element | null>(null);

  useEffect(() => {
    previous.current = document.activeElement;
    input.current?.focus();
    return () => (previous.current as HTMLElement | null)?.focus?.();
  }, []);
  useEffect(() => setActive(0), [query]);

  function run(command: PaletteCommand | undefined) {
    if (!command) return;
    onClose();
    void command.run();
  }

  function onKeyDown(event: React.KeyboardEvent) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setActive((i) => Math.min(results.length - 1, i + 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((i) => Math.max(0, i - 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      run(results[active]);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    }
  }

  useEffect(() => {
    document.getElementById(`${listId}-${active}`)?.scrollIntoView?.({ block: 'nearest' });
  }, [active, listId]);

  let lastGroup = '';
  return createPortal(
    <div className="dialog-backdrop palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette" onKeyDown={onKeyDown}>
        <div className="palette-search">
          <Icon name="search" />
          <input
            ref={input}
            className="palette-input"
            placeholder="Search APIs, policies, traffic… or type a command"
            aria-label="Command"
            role="combobox"
            aria-expanded="true"
            aria-controls={listId}
            aria-activedescendant={results[active] ? `${listId}-${active}` : undefined}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
          />
          <kbd className="kbd">Esc</kbd>
        </div>
        <ul id={listId} className="palette-list" role="listbox" aria-label="Commands">
          {results.length === 0 ? <li className="palette-empty">No command matches “{query}”.</li> : null}
          {results.map((command, index) => {
            const header = command.group !== lastGroup ? command.group : null;
            lastGroup = command.group;
            return (
              <li key={command.id} role="presentation">
                {header ? <div className="palette-group" role="presentation">{header}</div> : null}
                <div
                  id={`${listId}-${index}`}
                  role="option"
                  aria-selected={index === active}
                  className={`palette-option ${index === active ? 'palette-option-active' : ''}`}
                  onMouseMove={() => setActive(index)}
                  onClick={() => run(command)}
                >
                  <Icon name={command.icon} />
                  <span className="palette-label">
                    {command.label}
                    {command.detail ? <span className="palette-detail"> {command.detail}</span> : null}
                  </span>
                  {command.hint ? <span className="palette-hint">{command.hint}</span> : null}
                </div>
              </li>
            );
          })}
        </ul>
      </div>
    </div>,
    document.body,
  );
}
