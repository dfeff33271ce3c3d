/**
 * `gatehouse gateway --config PATH`: local mode. Loads Flex-style YAML, serves it with the
 * gateway runtime, hot-reloads on change (an invalid change keeps the last good config serving
 * and shows on /.gatehouse/health), logs one line per request, drains on SIGINT/SIGTERM.
 */
import { version } from '../../package.json';
import { findPolicy } from '../../shared/policies/catalogue';
import { formatConfigError, type ConfigError } from '../config/errors';
import type { LocalSettings } from '../config/configuration';
import { loadConfigWithPolicies, type LoadResult } from '../config/load';
import { PolicySources } from '../config/policy-sources';
import { watchConfig } from '../config/watch';
import { CustomPolicyLibrary } from '../policies/custom/library';
import { SharedCounters } from '../gateway/connected/shared-counters';
import { BreakpointController } from '../gateway/breakpoints';
import { GatewayRuntime } from '../gateway/runtime';
import type { GatewaySnapshot } from '../gateway/snapshot';
import { HEALTH_PATH } from '../gateway/health';
import { parseCommandArgs, portOption, positiveIntOption } from './args';
import { UsageError, type CliCommand } from './command';
import { DEFAULT_BREAKPOINTS_PORT, openBreakpointEndpoint, type BreakpointEndpoint } from './gateway-breakpoints';
import { connectSettings, connectUsage, runConnected } from './gateway-connect';
import { GatewayLogger } from './gateway-logging';
import { describeListeners } from './gateway-output';
import { DEFAULT_HEALTH_PORT, hostLabel, StatusPorts } from './gateway-status';
import { writeStdout } from './line-batch';
import { untilSignal } from './signals';

const usage = `Usage: gatehouse gateway --config PATH [--host-override HOST] [--health-port PORT] [--breakpoints [--breakpoints-port ${DEFAULT_BREAKPOINTS_PORT}]] [--quiet] [--verbose] [--drain-ms 10000]

Local mode: serves the APIs declared in PATH (a YAML file or a conf.d directory of Flex Gateway
local-mode resources), reloading within about a second when a file changes, is added or removed.
Custom policies (an Extension's spec.source: a .ts or .js file or folder) are compiled on load
and watched the same way. An invalid change (a YAML error, a policy that does not compile) is
reported with its file and line and the last good config keeps serving. An empty directory is
fine: the gateway waits for files. A Configuration's logging, timeouts and probe apply too.

  --config PATH          file or directory to load and watch
  --host-override HOST   bind every listener on HOST instead of the address's host (e.g. 127.0.0.1)
  --health-port PORT     also answer GET ${HEALTH_PATH} on HOST:PORT (default host 127.0.0.1; 0 picks a
                         free port); opened on ${DEFAULT_HEALTH_PORT} anyway when the gateway starts with no API
  --breakpoints          pause matching requests/responses for editing: rules and paused messages on
                         http://127.0.0.1:${DEFAULT_BREAKPOINTS_PORT}/breakpoints (loopback only), driven by \`gatehouse breakpoints\`
  --breakpoints-port N   that endpoint's port (0 picks a free one)
  --quiet                no access-log line per request on stdout
  --verbose              also print the runtime's informational log lines
  --drain-ms N           on SIGINT/SIGTERM, wait up to N ms for in-flight requests (default 10000)

${connectUsage}`;

export const gatewayCommand: CliCommand = {
  name: 'gateway',
  summary: 'run a gateway from config files (local mode, hot-reloaded) or as a connected replica (--connect)',
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      config: { type: 'string', short: 'c' },
      'host-override': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      verbose: { type: 'boolean' },
      'drain-ms': { type: 'string' },
      connect: { type: 'string' },
      token: { type: 'string' },
      name: { type: 'string' },
      'listen-port': { type: 'string' },
      'health-port': { type: 'string' },
      breakpoints: { type: 'boolean' },
      'breakpoints-port': { type: 'string' },
    });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    // --- Connected mode (issue 6, main/cli/gateway-connect.ts): a replica of a control plane's gateway.
    if (values.connect !== undefined) {
      if (values.config !== undefined) throw new UsageError('use either --config PATH (local mode) or --connect URL (connected mode), not both');
      const settings = connectSettings({ connect: values.connect as string, token: values.token as string | undefined, name: values.name as string | undefined, listenPort: values['listen-port'] as string | undefined });
      const drainMs = positiveIntOption(values['drain-ms'] as string | undefined, 'drain-ms', 10_000);
      return runConnected(settings, { quiet: values.quiet === true, verbose: values.verbose === true, drainMs, version });
    }
    const target = values.config as string | undefined;
    if (!target) throw new UsageError('--config PATH is required');
    const hostOverride = values['host-override'] as string | undefined;
    const drainMs = positiveIntOption(values['drain-ms'] as string | undefined, 'drain-ms', 10_000);
    const healthPortOption = values['health-port'] as string | undefined;
    const healthPort = healthPortOption === undefined ? undefined : portOption(healthPortOption, 'health-port', DEFAULT_HEALTH_PORT);
    const logger = new GatewayLogger({ quiet: values.quiet === true, verbose: values.verbose === true });
    const breakpointsPortOption = values['breakpoints-port'] as string | undefined;
    if (breakpointsPortOption !== undefined && values.breakpoints !== true) throw new UsageError('--breakpoints-port goes with --breakpoints');
    const breakpointsPort = portOption(breakpointsPortOption, 'breakpoints-port', DEFAULT_BREAKPOINTS_PORT);
    // Only with --breakpoints: without it the dispatcher has no controller to ask.
    const breakpoints = values.breakpoints === true ? new BreakpointController({ log: (level, message) => logger.runtime(level, message) }) : undefined;

    // Custom policies: the last good version of each serves while an edit does not compile.
    const library = new CustomPolicyLibrary({
      onBlocked: (report) =>
        logger.runtime('warn', `custom policy ${report.policy} (${report.apiId}/${report.bindingId}) blocked the event loop for ${Math.round(report.durationMs)} ms in ${report.hook} (limit ${report.limitMs} ms): every request waited`),
    });
    const policies = new PolicySources(library);
    // An empty folder is a gateway waiting for its first API, as in Flex.
    const first = await loadConfigWithPolicies(target, { allowEmpty: true, policies });
    printWarnings(first.warnings);
    if (!first.snapshot) {
      printErrors(first.errors, `gatehouse: ${target} is invalid`);
      return 2;
    }
    logger.configure(first.settings?.logging);

    // A Configuration with sharedStorage.redis shares clusterizable counters with other gateways.
    const counters = new SharedCounters(logger.runtime);
    counters.use(first.snapshot.sharedStorage);
    const runtime = new GatewayRuntime({
      name: values.name as string | undefined,
      catalogue: findPolicy,
      policies: (name) => library.definition(name),
      counters,
      // Always on: a Configuration's access-log output may ask for lines even with --quiet.
      onRequest: logger.request,
      log: logger.gateway,
      ...(breakpoints ? { breakpoints } : {}),
    });
    runtime.setUpstreamTimeout(first.settings?.upstreamTimeoutMs);
    // health-check-flex results, also with --quiet: an upstream going down is what you want to see.
    runtime.onUpstreamTransition((t) => {
      if (t.healthy) logger.notice(`upstream of ${t.apiName} is healthy (${t.url}: ${t.detail})`);
      else logger.runtime('warn', `upstream of ${t.apiName} is DOWN (${t.url}: ${t.detail})`);
    });
    const status = new StatusPorts(runtime, { health: hostOverride ?? '127.0.0.1', probe: hostOverride ?? '0.0.0.0' });
    let breakpointEndpoint: BreakpointEndpoint | undefined;
    const shutdown = async (graceMs: number) => {
      await breakpointEndpoint?.close();
      await runtime.stop({ graceMs });
      await status.close();
      await counters.close();
      await logger.close();
    };
    try {
      await runtime.apply(withHostOverride(first.snapshot, hostOverride));
      status.noteApplied();
    } catch (error) {
      process.stderr.write(`gatehouse: cannot start: ${(error as Error).message}\n`);
      await shutdown(0);
      return 1;
    }
    for (const line of describeListeners(withHostOverride(first.snapshot, hostOverride))) logger.notice(line);
    for (const policy of library.policies()) logger.notice(`custom policy ${policy.name} ${policy.version} from ${policy.source}`);
    if (breakpoints) {
      try {
        breakpointEndpoint = await openBreakpointEndpoint(breakpoints, breakpointsPort);
        logger.notice(`breakpoints on http://127.0.0.1:${breakpointEndpoint.port}/breakpoints (gatehouse breakpoints --port ${breakpointEndpoint.port} list)`);
      } catch (error) {
        process.stderr.write(`gatehouse: cannot listen on the breakpoints port ${breakpointsPort}: ${(error as Error).message}\n`);
        await shutdown(0);
        return 1;
      }
    }
    const apiCount = countApis(first.snapshot);
    // Without an API nothing else answers health: open the health port then, or when asked to.
    if (healthPort !== undefined || apiCount === 0) {
      try {
        const bound = await status.openHealth(healthPort ?? DEFAULT_HEALTH_PORT);
        logger.notice(`health on http://${hostLabel(hostOverride ?? '127.0.0.1')}:${bound}${HEALTH_PATH}`);
      } catch (error) {
        const message = `cannot listen on the health port ${healthPort ?? DEFAULT_HEALTH_PORT}: ${(error as Error).message}`;
        if (healthPort !== undefined) {
          process.stderr.write(`gatehouse: ${message}\n`);
          await shutdown(0);
          return 1;
        }
        logger.runtime('warn', `${message} (choose one with --health-port)`);
      }
    }
    const probeMessage = await status.setProbe(first.settings?.probe);
    if (probeMessage) logger.notice(probeMessage);
    if (describeSettings(first.settings)) logger.notice(`Configuration: ${describeSettings(first.settings)}`);
    const what = first.files.length === 0 ? `no config files yet` : apiCount === 0 ? `no API yet, ${plural(first.files.length, 'file')}` : `config ${first.snapshot.version} from ${plural(first.files.length, 'file')}`;
    logger.notice(`${what}; watching ${target} for changes`);

    const running: Running = { runtime, counters, logger, status, settings: first.settings };
    // Reloads are applied one after another, in the order the changes happened.
    let reloading: Promise<void> = Promise.resolve();
    const watcher = watchConfig(
      target,
      (result) => {
        reloading = reloading.then(() => applyChange(running, result, hostOverride));
      },
      { initial: first, allowEmpty: true, policies },
    );

    const signal = await untilSignal();
    writeStdout(`${signal}: draining (up to ${drainMs} ms)…\n`);
    watcher.close();
    await reloading;
    await shutdown(drainMs);
    writeStdout('gateway stopped\n');
    return 0;
  },
};

interface Running {
  runtime: GatewayRuntime;
  counters: SharedCounters;
  logger: GatewayLogger;
  status: StatusPorts;
  settings: LocalSettings | undefined;
}

async function applyChange(running: Running, result: LoadResult, hostOverride: string | undefined): Promise<void> {
  const { runtime, counters, logger, status } = running;
  const serving = runtime.version ?? 'none';
  if (!result.snapshot) {
    printErrors(result.errors, `gatehouse: config change rejected, still serving ${serving}`);
    runtime.reportConfigError(summarize(result.errors));
    return;
  }
  // Process settings apply with the config that carries them, even when the routes did not change.
  const applySettings = async () => {
    logger.configure(result.settings?.logging);
    runtime.setUpstreamTimeout(result.settings?.upstreamTimeoutMs);
    const message = await status.setProbe(result.settings?.probe);
    if (message) logger.notice(message);
    if (JSON.stringify(result.settings ?? {}) === JSON.stringify(running.settings ?? {})) return;
    running.settings = result.settings;
    logger.notice(`Configuration applied: ${describeSettings(result.settings) || 'no logging, timeouts or probe (defaults)'}`);
  };
  if (result.snapshot.version === runtime.version) {
    runtime.reportConfigError(undefined);
    await applySettings();
    return;
  }
  try {
    counters.use(result.snapshot.sharedStorage);
    await runtime.apply(withHostOverride(result.snapshot, hostOverride));
    status.noteApplied();
    runtime.reportConfigError(undefined);
    await applySettings();
    logger.notice(`config reloaded: ${serving} → ${result.snapshot.version}`);
    printWarnings(result.warnings);
    for (const line of describeListeners(withHostOverride(result.snapshot, hostOverride))) logger.notice(line);
  } catch (error) {
    const message = (error as Error).message;
    process.stderr.write(`gatehouse: config change rejected, still serving ${serving}: ${message}\n`);
    const detail = (error as { details?: { file?: string; line?: number }[] }).details?.[0];
    runtime.reportConfigError({ file: detail?.file, line: detail?.line, message });
  }
}

/** `upstream timeout 1 s, runtime log level debug, log outputs default (file), probe :8093/ready`; '' when none. */
function describeSettings(settings: LocalSettings | undefined): string {
  const parts: string[] = [];
  if (settings?.upstreamTimeoutMs !== undefined) parts.push(`upstream timeout ${settings.upstreamTimeoutMs / 1000} s`);
  if (settings?.logging?.level) parts.push(`runtime log level ${settings.logging.level}`);
  if (settings?.logging?.outputs.length) parts.push(`log outputs ${settings.logging.outputs.map((output) => `${output.name} (${output.file ?? output.kind})`).join(', ')}`);
  if (settings?.probe) parts.push(`readiness probe :${settings.probe.port}${settings.probe.path}`);
  return parts.join(', ');
}

function countApis(snapshot: GatewaySnapshot): number {
  return snapshot.listeners.reduce((n, listener) => n + listener.apis.length, 0);
}

/** What the health endpoint shows: the first error located, and how many there were. */
function summarize(errors: ConfigError[]): { file?: string; line?: number; message: string } {
  const first = errors[0];
  if (!first) return { message: 'invalid config' };
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
  return { file: first.file, line: first.line || undefined, message: `${formatConfigError(first)}${more}` };
}

/** Accepted but not acted on: one line each, in the runtime's own warn format. */
function printWarnings(warnings: ConfigError[]): void {
  for (const warning of warnings) process.stderr.write(`gatehouse warn: ${formatConfigError(warning)}\n`);
}

function printErrors(errors: ConfigError[], heading: string): void {
  process.stderr.write(`${heading}: ${plural(errors.length, 'error')}\n`);
  for (const error of errors) process.stderr.write(`${formatConfigError(error)}\n`);
}

function withHostOverride(snapshot: GatewaySnapshot, host: string | undefined): GatewaySnapshot {
  if (!host) return snapshot;
  return { ...snapshot, listeners: snapshot.listeners.map((listener) => ({ ...listener, host })) };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
