/**
 * The parts of Flex's `Configuration` kind that local mode applies beside the snapshot: log
 * outputs and the runtime log level (`logging`), the upstream response timeout (`timeouts`) and
 * an HTTP readiness probe (`probe`). They are gateway-process settings, not routing, so they
 * travel next to the snapshot (LoadResult.settings) instead of inside it: changing one does not
 * change the config version, and the control plane's snapshots never carry them.
 */
import type { ConfigError } from './errors';
import { resourcesOfKind, type AnyResource } from './resources';

export type RuntimeLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogOutput {
  name: string;
  kind: 'file' | 'stdout';
  /** Absolute, or relative to the gateway's working directory (kind `file`). */
  file?: string;
  /** Flex's `parameters.format`: `template` (with `template`) or a JSON flavour. */
  format: 'template' | 'json';
  template?: string;
}

export interface LoggingSettings {
  /** `runtimeLogs.logLevel`; absent: the command line decides (--verbose). */
  level?: RuntimeLogLevel;
  outputs: LogOutput[];
  /** Output names runtime lines and access lines go to (beside stdout/stderr, as in Flex). */
  runtime: string[];
  access: string[];
}

export interface LocalSettings {
  logging?: LoggingSettings;
  /** `timeouts.upstreamResponseSeconds`, in ms. */
  upstreamTimeoutMs?: number;
  probe?: { port: number; path: string };
}

/** Flex's template default in its documented file example. */
export const DEFAULT_LOG_TEMPLATE = '[{date}][{logger}][{level}][{kind}] {message}';

const LEVELS: Record<string, RuntimeLogLevel> = {
  trace: 'debug', debug: 'debug', info: 'info', warn: 'warn', warning: 'warn', error: 'error', critical: 'error', fatal: 'error',
};

type Report = (resource: AnyResource, path: (string | number)[], message: string) => void;

export function compileLocalSettings(resources: readonly AnyResource[], errors: ConfigError[], warnings: ConfigError[]): LocalSettings {
  const settings: LocalSettings = {};
  const at = (list: ConfigError[]): Report => (resource, path, message) =>
    list.push({ file: resource.file, line: resource.lineOf(path), field: path.join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]'), message });
  const error = at(errors);
  const warn = at(warnings);
  // One Configuration owns each section, as for sharedStorage: two would silently race.
  const owners = new Map<string, AnyResource>();
  const claim = (resource: AnyResource, section: string): boolean => {
    const owner = owners.get(section);
    if (!owner) {
      owners.set(section, resource);
      return true;
    }
    error(resource, ['spec', section], `${section} is already configured by Configuration ${owner.metadata.name} (${owner.file}:${owner.line})`);
    return false;
  };

  for (const configuration of resourcesOfKind(resources, 'Configuration')) {
    const resource = configuration as AnyResource;
    const spec = configuration.spec as Record<string, unknown>;
    if (isObject(spec.logging) && claim(resource, 'logging')) settings.logging = compileLogging(resource, spec.logging, error, warn);
    if (isObject(spec.timeouts) && claim(resource, 'timeouts')) {
      const seconds = spec.timeouts.upstreamResponseSeconds;
      if (seconds !== undefined) {
        if (typeof seconds === 'number' && seconds > 0 && Number.isFinite(seconds)) settings.upstreamTimeoutMs = Math.round(seconds * 1000);
        else error(resource, ['spec', 'timeouts', 'upstreamResponseSeconds'], 'expected a number of seconds greater than 0');
      }
    }
    if (isObject(spec.probe) && claim(resource, 'probe')) {
      const probe = spec.probe;
      if (probe.enabled === false) continue;
      const port = probe.port;
      const path = probe.path ?? '/probe';
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) error(resource, ['spec', 'probe', 'port'], 'expected the port (1-65535) to answer the readiness probe on');
      else if (typeof path !== 'string' || !path.startsWith('/')) error(resource, ['spec', 'probe', 'path'], 'expected a path starting with /');
      else settings.probe = { port, path };
    }
  }
  return settings;
}

function compileLogging(resource: AnyResource, logging: Record<string, unknown>, error: Report, warn: Report): LoggingSettings {
  const settings: LoggingSettings = { outputs: [], runtime: [], access: [] };
  const base = ['spec', 'logging'];
  const declared = new Set<string>();
  if (logging.outputs !== undefined && !Array.isArray(logging.outputs)) error(resource, [...base, 'outputs'], 'expected a list of outputs ({name, type, parameters})');
  (Array.isArray(logging.outputs) ? logging.outputs : []).forEach((entry: unknown, index: number) => {
    const path = [...base, 'outputs', index];
    if (!isObject(entry) || typeof entry.name !== 'string' || typeof entry.type !== 'string') {
      error(resource, path, 'expected an output with a name and a type');
      return;
    }
    declared.add(entry.name);
    const type = entry.type.toLowerCase();
    const parameters = isObject(entry.parameters) ? entry.parameters : {};
    if (type !== 'file' && type !== 'stdout') {
      warn(resource, [...path, 'type'], `not acted on: Gatehouse writes the file and stdout outputs only; nothing is sent to ${entry.type}`);
      return;
    }
    const format = String(parameters.format ?? parameters.Format ?? 'template').toLowerCase();
    const output: LogOutput = { name: entry.name, kind: type, format: format.startsWith('json') ? 'json' : 'template' };
    if (typeof parameters.template === 'string') output.template = parameters.template.replace(/\n+$/, '');
    if (type === 'file') {
      // Flex's example gives the whole path in `file`; Fluent Bit's own form is `path` + `file`.
      const file = typeof parameters.file === 'string' ? parameters.file : undefined;
      const dir = typeof parameters.path === 'string' ? parameters.path : undefined;
      if (!file && !dir) {
        error(resource, [...path, 'parameters', 'file'], 'a file output needs parameters.file (the log file to append to)');
        return;
      }
      output.file = dir && file ? `${dir.replace(/\/+$/, '')}/${file}` : (file ?? `${dir!.replace(/\/+$/, '')}/${entry.name}`);
    }
    settings.outputs.push(output);
  });

  const targets = (section: 'runtimeLogs' | 'accessLogs'): string[] => {
    const value = isObject(logging[section]) ? logging[section].outputs : undefined;
    const path = [...base, section, 'outputs'];
    if (value === undefined) return [];
    // v1beta1's `outputs: { anypoint: disabled }`: Gatehouse never sends logs to Anypoint.
    if (isObject(value)) {
      for (const [key, state] of Object.entries(value)) {
        if (String(state).toLowerCase() !== 'disabled') warn(resource, [...path, key], 'not acted on: Gatehouse sends no logs to Anypoint');
      }
      return [];
    }
    if (!Array.isArray(value)) {
      error(resource, path, 'expected a list of output names');
      return [];
    }
    const names: string[] = [];
    value.forEach((name: unknown, index: number) => {
      if (typeof name !== 'string' || !declared.has(name)) error(resource, [...path, index], `no output named ${JSON.stringify(name)} in spec.logging.outputs`);
      else if (settings.outputs.some((output) => output.name === name)) names.push(name);
    });
    return names;
  };
  settings.runtime = targets('runtimeLogs');
  settings.access = targets('accessLogs');

  const level = isObject(logging.runtimeLogs) ? logging.runtimeLogs.logLevel : undefined;
  if (level !== undefined) {
    const mapped = typeof level === 'string' ? LEVELS[level.toLowerCase()] : undefined;
    if (mapped) settings.level = mapped;
    else error(resource, [...base, 'runtimeLogs', 'logLevel'], `expected one of debug, info, warn, error, fatal; got ${JSON.stringify(level)}`);
  }
  return settings;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
