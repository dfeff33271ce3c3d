/**
 * Local mode's log lines: runtime lines on stderr and access lines on stdout as always, plus the
 * outputs of a Configuration's `logging` (Flex keeps its standard output logs beside the
 * configured outputs too). `runtimeLogs.logLevel` filters runtime lines everywhere; `debug`
 * adds one line per request with its policy decisions. Reconfigured on every reload.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { DEFAULT_LOG_TEMPLATE, type LoggingSettings, type LogOutput, type RuntimeLogLevel } from '../config/configuration';
import type { RequestFact } from '../gateway/telemetry';
import { formatAccessLine } from './gateway-output';
import { LineBatch, stdoutLines, writeStdout } from './line-batch';

type Level = RuntimeLogLevel;
const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

interface OpenOutput {
  output: LogOutput;
  write: (line: string) => void;
  /** Access lines to this output, batched (see line-batch.ts). */
  batch?: LineBatch;
}

export class GatewayLogger {
  private settings: LoggingSettings | undefined;
  private runtimeOutputs: OpenOutput[] = [];
  private accessOutputs: OpenOutput[] = [];
  private files = new Map<string, WriteStream>();

  constructor(private readonly flags: { quiet: boolean; verbose: boolean }) {}

  /** Applies a (new) logging section; undefined goes back to the command line's behaviour. */
  configure(settings: LoggingSettings | undefined): void {
    if (JSON.stringify(settings) === JSON.stringify(this.settings)) return;
    const previous = this.files;
    this.files = new Map();
    this.settings = settings;
    const open = (name: string): OpenOutput[] => {
      const output = settings?.outputs.find((candidate) => candidate.name === name);
      if (!output) return [];
      if (output.kind === 'stdout') return [{ output, write: (line) => writeStdout(`${line}\n`), batch: stdoutLines }];
      const file = path.resolve(output.file!);
      let stream = this.files.get(file) ?? previous.get(file);
      if (!stream) {
        try {
          mkdirSync(path.dirname(file), { recursive: true });
          stream = createWriteStream(file, { flags: 'a' });
          stream.on('error', (error) => process.stderr.write(`gatehouse warn: log output ${output.name}: ${error.message}\n`));
        } catch (error) {
          process.stderr.write(`gatehouse warn: log output ${output.name}: cannot open ${file}: ${(error as Error).message}\n`);
          return [];
        }
      }
      this.files.set(file, stream);
      const target = stream;
      return [{ output, write: (line) => target.write(`${line}\n`), batch: this.fileBatch(file, target) }];
    };
    this.runtimeOutputs = (settings?.runtime ?? []).flatMap(open);
    this.accessOutputs = (settings?.access ?? []).flatMap(open);
    for (const [file, stream] of previous)
      if (!this.files.has(file)) {
        this.batches.get(file)?.flush();
        this.batches.delete(file);
        stream.end();
      }
  }

  private batches = new Map<string, LineBatch>();

  /** One batch per file (runtime lines to the same file flush it first, so order is kept). */
  private fileBatch(file: string, stream: WriteStream): LineBatch {
    let batch = this.batches.get(file);
    if (batch === undefined) {
      const created = new LineBatch((text) => stream.write(text));
      this.batches.set(file, (batch = created));
      process.on('exit', () => created.flush());
    }
    return batch;
  }

  /** The level runtime lines must reach: the Configuration's, else info with --verbose, else warn. */
  private get threshold(): Level {
    return this.settings?.level ?? (this.flags.verbose ? 'info' : 'warn');
  }

  /** A runtime line (the runtime's own log, reloads, listeners). `echo`: already printed by the caller. */
  runtime = (level: Level, message: string, options: { echo?: boolean } = {}): void => {
    if (RANK[level] < RANK[this.threshold]) return;
    if (!options.echo) process.stderr.write(`gatehouse ${level}: ${message}\n`);
    for (const out of this.runtimeOutputs) {
      out.batch?.flush();
      out.write(format(out.output, level, 'runtime', message));
    }
  };

  /**
   * What the runtime logs: message-logging-flex's lines are the user's own messages and go to
   * stdout (and the runtime outputs) at every log level but debug; DEBUG items only with
   * `logLevel: debug`. Everything else is a runtime line.
   */
  gateway = (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void => {
    if (fields?.policy !== 'message-logging-flex') return this.runtime(level, message);
    if (message.includes(': [DEBUG]') && this.threshold !== 'debug') return;
    writeStdout(`${message}\n`);
    for (const out of this.runtimeOutputs) {
      out.batch?.flush();
      out.write(format(out.output, level, 'runtime', message));
    }
  };

  /** What the command prints on stdout about its state (listening on…, config reloaded…): info lines. */
  notice(message: string): void {
    writeStdout(`${message}\n`);
    this.runtime('info', message, { echo: true });
  }

  /** Every finished request: an access line (stdout unless --quiet, and the access outputs), written in batches. */
  request = (fact: RequestFact): void => {
    // With --quiet and no access output, nobody reads the line: not even built.
    if (!this.flags.quiet || this.accessOutputs.length > 0) {
      const line = formatAccessLine(fact);
      if (!this.flags.quiet) stdoutLines.push(line);
      for (const out of this.accessOutputs) {
        const formatted = format(out.output, 'info', 'access', line);
        if (out.batch) out.batch.push(formatted);
        else out.write(formatted);
      }
    }
    if (this.threshold === 'debug' && fact.trace.length > 0) {
      this.runtime('debug', `${fact.method} ${fact.path} policies: ${fact.trace.map((entry) => `${entry.policy}=${entry.verdict}`).join(', ')}`);
    }
  };

  async close(): Promise<void> {
    stdoutLines.flush();
    for (const batch of this.batches.values()) batch.flush();
    this.batches.clear();
    const streams = [...this.files.values()];
    this.files.clear();
    await Promise.all(streams.map((stream) => new Promise<void>((resolve) => stream.end(resolve))));
  }
}

/** Flex's template placeholders ({date} {logger} {level} {kind} {message}), or one JSON object. */
export function format(output: LogOutput, level: Level, kind: 'runtime' | 'access', message: string): string {
  const date = isoNow();
  if (output.format === 'json') return JSON.stringify({ date, logger: 'gatehouse', level, kind, message });
  const parts = compiledTemplate(output.template ?? DEFAULT_LOG_TEMPLATE);
  let text = parts[0]!;
  for (let index = 1; index < parts.length; index += 2) {
    const key = parts[index]!;
    const value = key === 'date' ? date : key === 'logger' ? 'gatehouse' : key === 'level' ? level : key === 'kind' ? kind : key === 'message' ? message : undefined;
    text += (value ?? `{${key}}`) + parts[index + 1]!;
  }
  return text;
}

/** A template split once into [text, key, text, key, …, text]: no regex per line. */
const templates = new Map<string, string[]>();
function compiledTemplate(template: string): string[] {
  let parts = templates.get(template);
  if (parts === undefined) templates.set(template, (parts = template.split(/\{(\w+)\}/)));
  return parts;
}

/** The time as an ISO string, made once per millisecond (several lines share one under load). */
let isoAt = -1;
let iso = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== isoAt) {
    isoAt = now;
    iso = new Date(now).toISOString();
  }
  return iso;
}
