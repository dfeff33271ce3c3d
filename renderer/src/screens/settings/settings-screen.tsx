/** Settings: theme, desktop behaviour, what quitting does, retention, config export/import, and system facts. */
import { useEffect, useState, type FormEvent } from 'react';
import { settingsPatchSchema, type Settings } from '../../../../shared/contract/models';
import { exportConfig } from '../../lib/config-actions';
import { errorMessage } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { useSubmit } from '../../lib/use-submit';
import { useLocation } from '../../router/router';
import { useActions, useAppContext, useAppStore } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { CopyButton } from '../../ui/copy-button';
import { Field } from '../../ui/field';
import { PageHeader } from '../../ui/stat-card';
import { Badge } from '../../ui/status-badge';
import { Segmented } from '../../ui/tabs';
import { EnvironmentsSection } from './environments-section';
import { ImportConfigDialog } from './import-config-dialog';
import { settingsSectionId } from './settings-sections';

function retentionValues(settings: Settings) {
  return {
    requestLogEntries: String(settings.retention.requestLogEntries),
    secondBucketsMinutes: String(settings.retention.secondBucketsMinutes),
    minuteBucketsDays: String(settings.retention.minuteBucketsDays),
    bodyStorageMiB: String(settings.retention.bodyStorageMiB),
    captureBodyLimitKiB: String(settings.captureBodyLimitKiB),
  };
}

function RetentionForm({ settings }: { settings: Settings }) {
  const { updateSettings, pushToast } = useActions();
  const submit = useSubmit();
  const [values, setValues] = useState(retentionValues(settings));
  useEffect(() => {
    setValues(retentionValues(settings));
  }, [settings]);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = {
      retention: { requestLogEntries: Number(values.requestLogEntries), secondBucketsMinutes: Number(values.secondBucketsMinutes), minuteBucketsDays: Number(values.minuteBucketsDays), bodyStorageMiB: Number(values.bodyStorageMiB) },
      captureBodyLimitKiB: Number(values.captureBodyLimitKiB),
    };
    const saved = await submit.run(() => updateSettings(input), { schema: settingsPatchSchema, input });
    if (saved) pushToast({ kind: 'success', title: 'Retention saved' });
  }
  const field = (key: keyof typeof values) => ({ value: values[key], onChange: (e: { target: { value: string } }) => setValues({ ...values, [key]: e.target.value }) });

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <div className="form-row">
        <Field label="Request log entries" hint="Newest requests kept with their trace (100–1,000,000)." error={submit.fields['retention.requestLogEntries']} className="grow">
          <input className="input" type="number" {...field('requestLogEntries')} />
        </Field>
        <Field label="Per-second data (minutes)" hint="For 5-minute and 1-hour charts." error={submit.fields['retention.secondBucketsMinutes']} className="grow">
          <input className="input" type="number" {...field('secondBucketsMinutes')} />
        </Field>
        <Field label="Per-minute data (days)" hint="For 24-hour and 30-day charts." error={submit.fields['retention.minuteBucketsDays']} className="grow">
          <input className="input" type="number" {...field('minuteBucketsDays')} />
        </Field>
      </div>
      <div className="form-row">
        <Field label="Body capture limit (KiB)" hint="First bytes of each request and response body kept with the request (0 turns capture off; applies to the next request)." error={submit.fields.captureBodyLimitKiB} className="grow">
          <input className="input" type="number" {...field('captureBodyLimitKiB')} />
        </Field>
        <Field label="Stored bodies (MiB)" hint="All captured bodies together; the oldest go first (applies at the next start)." error={submit.fields['retention.bodyStorageMiB']} className="grow">
          <input className="input" type="number" {...field('bodyStorageMiB')} />
        </Field>
      </div>
      {submit.error ? <Banner kind="error">{submit.error}</Banner> : null}
      <div className="row row-end">
        <Button type="submit" variant="primary" pending={submit.pending}>
          Save retention
        </Button>
      </div>
    </form>
  );
}

export function SettingsScreen() {
  const { client, transport } = useAppContext();
  const settings = useAppStore((s) => s.settings);
  const info = useAppStore((s) => s.systemInfo);
  const { updateSettings, loadSettings, loadSystemInfo, pushToast } = useActions();
  const [importing, setImporting] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    void loadSettings();
    void loadSystemInfo();
  }, [loadSettings, loadSystemInfo]);

  // `?section=retention` (from the command palette): that section, scrolled into view. A frame
  // later, so the shell's "new screen starts at the top" does not undo it.
  const section = useLocation().query.get('section');
  useEffect(() => {
    if (!section) return;
    const frame = requestAnimationFrame(() => document.getElementById(settingsSectionId(section))?.scrollIntoView?.({ block: 'start' }));
    return () => cancelAnimationFrame(frame);
  }, [section]);

  async function change(patch: Parameters<typeof updateSettings>[0]) {
    setError(undefined);
    try {
      await updateSettings(patch);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  async function doExport() {
    setExporting(true);
    try {
      const file = await exportConfig(client);
      pushToast({ kind: 'success', title: 'Configuration exported', message: file });
    } catch (caught) {
      pushToast({ kind: 'error', title: 'Export failed', message: errorMessage(caught) });
    } finally {
      setExporting(false);
    }
  }

  const facts: [string, string | undefined, boolean?][] = [
    ['Version', info?.version],
    ['Data directory', info?.dataDir, true],
    ['Admin token file', info?.adminTokenFile ?? (info ? 'GATEHOUSE_ADMIN_TOKEN (environment)' : undefined), Boolean(info?.adminTokenFile)],
    ['Admin URL', info?.adminUrl, true],
    ['Embedded gateway port', info ? String(info.gatewayPort) : undefined],
    ['Platform', info?.platform],
    ['Started', info ? formatDateTime(info.startedAt) : undefined],
  ];

  return (
    <div className="page page-narrow">
      <PageHeader title="Settings" />
      {error ? <Banner kind="error">{error}</Banner> : null}
      <section className="card settings-section" id={settingsSectionId('appearance')}>
        <h2 className="card-title">Appearance</h2>
        <div className="setting-row">
          <div>
            <div className="strong">Theme</div>
            <div className="muted small">System follows your OS.</div>
          </div>
          <Segmented
            label="Theme"
            value={settings.theme}
            onChange={(theme) => void change({ theme })}
            options={[
              { value: 'light', label: 'Light' },
              { value: 'dark', label: 'Dark' },
              { value: 'system', label: 'System' },
            ]}
          />
        </div>
      </section>
      <section className="card settings-section" id={settingsSectionId('desktop')}>
        <h2 className="card-title">
          Desktop app {transport.platform.isDesktop ? null : <Badge>applies in the desktop app</Badge>}
        </h2>
        <label className="setting-row">
          <div>
            <div className="strong">Keep running in the tray</div>
            <div className="muted small">Closing the window keeps the gateway serving.</div>
          </div>
          <span className="switch">
            <input type="checkbox" role="switch" checked={settings.closeToTray} onChange={(e) => void change({ closeToTray: e.target.checked })} aria-label="Keep running in the tray" />
            <span className="switch-track" aria-hidden="true" />
          </span>
        </label>
        <label className="setting-row">
          <div>
            <div className="strong">Desktop notifications</div>
            <div className="muted small">When an alert fires or resolves.</div>
          </div>
          <span className="switch">
            <input type="checkbox" role="switch" checked={settings.desktopNotifications} onChange={(e) => void change({ desktopNotifications: e.target.checked })} aria-label="Desktop notifications" />
            <span className="switch-track" aria-hidden="true" />
          </span>
        </label>
      </section>
      <section className="card settings-section" id={settingsSectionId('on-quit')}>
        <h2 className="card-title">When Gatehouse quits</h2>
        <div className="setting-row">
          <div>
            <div className="strong">Docker gateway replicas</div>
            <div className="muted small" data-testid="on-quit-explanation">
              {settings.onQuit === 'stop'
                ? 'Their containers are stopped when Gatehouse quits (the quit waits at most 15 seconds for them) and start again with it.'
                : 'They keep serving their last configuration while Gatehouse is closed, and reconnect when it starts again.'}{' '}
              The embedded gateway always stops with the app.
            </div>
          </div>
          <Segmented
            label="Docker gateway replicas when Gatehouse quits"
            value={settings.onQuit}
            onChange={(onQuit) => void change({ onQuit })}
            options={[
              { value: 'keep-running', label: 'Keep running' },
              { value: 'stop', label: 'Stop' },
            ]}
          />
        </div>
      </section>
      <section className="card settings-section" id={settingsSectionId('retention')}>
        <h2 className="card-title">Data retention</h2>
        <RetentionForm settings={settings} />
      </section>
      <section className="card settings-section" id={settingsSectionId('configuration')}>
        <h2 className="card-title">Configuration</h2>
        <p className="muted small">The whole setup as declarative YAML (Flex Gateway resources plus Gatehouse kinds): keep it in git, run it with <code>gatehouse gateway --config</code>. Secrets are never exported in clear text.</p>
        <div className="row">
          <Button icon="download" pending={exporting} onClick={doExport}>
            Export YAML
          </Button>
          <Button icon="upload" onClick={() => setImporting(true)}>
            Import YAML…
          </Button>
        </div>
      </section>
      <EnvironmentsSection />
      <section className="card settings-section" id={settingsSectionId('system')}>
        <h2 className="card-title">System</h2>
        <dl className="facts facts-wide">
          {facts.map(([label, value, copy]) => (
            <div key={label} className="fact">
              <dt>{label}</dt>
              <dd className="mono small">
                {value ?? '–'} {copy && value ? <CopyButton text={value} label={`Copy ${label.toLowerCase()}`} /> : null}
              </dd>
            </div>
          ))}
          <div className="fact">
            <dt>Docker</dt>
            <dd>
              <Badge tone={info?.docker.status === 'available' ? 'success' : info?.docker.status === 'unavailable' ? 'warning' : 'neutral'} dot>
                {info?.docker.status ?? 'unknown'}
              </Badge>{' '}
              <span className="muted small">{info?.docker.message}</span>
              {info?.docker.image?.pruned ? <div className="muted small">Gateway image: {info.docker.image.pruned.message}</div> : null}
            </dd>
          </div>
        </dl>
      </section>
      {importing ? <ImportConfigDialog onClose={() => setImporting(false)} /> : null}
    </div>
  );
}
