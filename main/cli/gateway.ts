/**
 * `gatehouse gateway --config PATH`: local mode. Loads Flex-style YAML, serves it with the
 * gateway runtime, hot-reloads on change (an invalid change keeps the last good config serving
 * and shows on /.gatehouse/health), logs one line per request, drains on SIGINT/SIGTERM.
 */
import { version } from '../../package.json';
import { findPolicy } from '../../shared/policies/catalogue';
import { formatConfigError, type ConfigError } from '../config/errors';
import { loadConfig, type LoadResult } from '../config/load';
import { watchConfig } from '../config/watch';
import { SharedCounters } from '../gateway/connected/shared-counters';
import { GatewayRuntime } from '../gateway/runtime';
import type { GatewaySnapshot } from '../gateway/snapshot';
import { parseCommandArgs, positiveIntOption } from './args';
import { UsageError, type CliCommand } from './command';
import { connectSettings, connectUsage, runConnected } from './gateway-connect';
import { formatAccessLine, describeListeners } from './gateway-output';
import { untilSignal } from './signals';

const usage = `Usage: gatehouse gateway --config PATH [--host-override HOST] [--quiet] [--verbose] [--drain-ms 10000]

Local mode: serves the APIs declared in PATH (a YAML file or a conf.d directory of Flex Gateway
local-mode resources), reloading within about a second when a file changes, is added or removed.
An invalid change is reported and the last good config keeps serving.

  --config PATH          file or directory to load and watch
  --host-override HOST   bind every listener on HOST instead of the address's host (e.g. 127.0.0.1)
  --quiet                no access-log line per request
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
    const quiet = values.quiet === true;
    const verbose = values.verbose === true;

    const first = loadConfig(target);
    printWarnings(first.warnings);
    if (!first.snapshot) {
      printErrors(first.errors, `gatehouse: ${target} is invalid`);
      return 2;
    }

    const log = (level: 'info' | 'warn' | 'error', message: string) => {
      // Reloads and listeners are announced by this command already; info lines are for --verbose.
      if (level !== 'info' || verbose) process.stderr.write(`gatehouse ${level}: ${message}\n`);
    };
    // A Configuration with sharedStorage.redis shares clusterizable counters with other gateways.
    const counters = new SharedCounters(log);
    counters.use(first.snapshot.sharedStorage);
    const runtime = new GatewayRuntime({
      name: values.name as string | undefined,
      catalogue: findPolicy,
      counters,
      onRequest: quiet ? undefined : (fact) => process.stdout.write(`${formatAccessLine(fact)}\n`),
      log,
    });
    // health-check-flex results, also with --quiet: an upstream going down is what you want to see.
    runtime.onUpstreamTransition((t) => {
      if (t.healthy) process.stdout.write(`upstream of ${t.apiName} is healthy (${t.url}: ${t.detail})\n`);
      else process.stderr.write(`gatehouse warn: upstream of ${t.apiName} is DOWN (${t.url}: ${t.detail})\n`);
    });
    try {
      await runtime.apply(withHostOverride(first.snapshot, hostOverride));
    } catch (error) {
      process.stderr.write(`gatehouse: cannot start: ${(error as Error).message}\n`);
      await runtime.stop({ graceMs: 0 });
      await counters.close();
      return 1;
    }
    for (const line of describeListeners(withHostOverride(first.snapshot, hostOverride))) process.stdout.write(`${line}\n`);
    process.stdout.write(`config ${first.snapshot.version} from ${plural(first.files.length, 'file')}; watching ${target} for changes\n`);

    // Reloads are applied one after another, in the order the changes happened.
    let reloading: Promise<void> = Promise.resolve();
    const watcher = watchConfig(
      target,
      (result) => {
        reloading = reloading.then(() => applyChange(runtime, counters, result, hostOverride));
      },
      { initial: first },
    );

    const signal = await untilSignal();
    process.stdout.write(`${signal}: draining (up to ${drainMs} ms)…\n`);
    watcher.close();
    await reloading;
    await runtime.stop({ graceMs: drainMs });
    await counters.close();
    process.stdout.write('gateway stopped\n');
    return 0;
  },
};

async function applyChange(runtime: GatewayRuntime, counters: SharedCounters, result: LoadResult, hostOverride: string | undefined): Promise<void> {
  const serving = runtime.version ?? 'none';
  if (!result.snapshot) {
    printErrors(result.errors, `gatehouse: config change rejected, still serving ${serving}`);
    runtime.reportConfigError(summarize(result.errors));
    return;
  }
  if (result.snapshot.version === runtime.version) {
    runtime.reportConfigError(undefined);
    return;
  }
  try {
    counters.use(result.snapshot.sharedStorage);
    await runtime.apply(withHostOverride(result.snapshot, hostOverride));
    runtime.reportConfigError(undefined);
    process.stdout.write(`config reloaded: ${serving} → ${result.snapshot.version}\n`);
    printWarnings(result.warnings);
    for (const line of describeListeners(withHostOverride(result.snapshot, hostOverride))) process.stdout.write(`${line}\n`);
  } catch (error) {
    const message = (error as Error).message;
    process.stderr.write(`gatehouse: config change rejected, still serving ${serving}: ${message}\n`);
    const detail = (error as { details?: { file?: string; line?: number }[] }).details?.[0];
    runtime.reportConfigError({ file: detail?.file, line: detail?.line, message });
  }
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
