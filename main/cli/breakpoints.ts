/**
 * `gatehouse breakpoints …`: the client of a local-mode gateway's breakpoint endpoint
 * (`gatehouse gateway --config PATH --breakpoints`, see gateway-breakpoints.ts). Sets rules and
 * acts on paused messages without the app.
 */
import http from 'node:http';
import type { BreakpointRule, BreakpointState, HeaderList, PausedMessage } from '../../shared/contract/breakpoints';
import { parseCommandArgs, portOption } from './args';
import { UsageError, type CliCommand } from './command';
import { DEFAULT_BREAKPOINTS_PORT } from './gateway-breakpoints';

const usage = `Usage: gatehouse breakpoints COMMAND [options] [--port ${DEFAULT_BREAKPOINTS_PORT}] [--json]

Breakpoints of a local-mode gateway started with --breakpoints (its endpoint on 127.0.0.1:PORT).

  list                                  the rules and the messages paused now
  add [--method M] [--path REGEX] [--header NAME[:VALUE]] [--response] [--response-only]
                                        add a rule: pause matching requests before the upstream
                                        (--response: their responses too; --response-only: only those)
  clear                                 remove every rule (paused messages stay until decided)
  timeout MS                            paused messages resume unchanged after MS (default 300000)
  show ID                               one paused message in full (JSON)
  resume ID [--header 'Name: value']... [--remove-header NAME]... [--body TEXT] [--method M]
            [--url /path?query] [--status N]
                                        let it go on; --header sets that header (others kept)
  respond ID [--status 200] [--header 'Name: value']... [--body TEXT]
                                        answer a paused request yourself
  drop ID                               close the client's connection without an answer`;

export const breakpointsCommand: CliCommand = {
  name: 'breakpoints',
  summary: 'list, add and clear breakpoint rules of a local-mode gateway, and resume, answer or drop paused messages',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        port: { type: 'string', short: 'p' },
        json: { type: 'boolean' },
        method: { type: 'string' },
        path: { type: 'string' },
        header: { type: 'string', multiple: true },
        'remove-header': { type: 'string', multiple: true },
        body: { type: 'string' },
        url: { type: 'string' },
        status: { type: 'string' },
        response: { type: 'boolean' },
        'response-only': { type: 'boolean' },
      },
      true,
    );
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const port = portOption(values.port as string | undefined, 'port', DEFAULT_BREAKPOINTS_PORT);
    try {
      return await runCommand(values, positionals, (method: string, path: string, body?: unknown) => callEndpoint(port, method, path, body));
    } catch (error) {
      if (!(error instanceof EndpointError)) throw error;
      process.stderr.write(`gatehouse breakpoints: ${error.message}\n`);
      return error.status === 400 ? 2 : 1;
    }
  },
};

/** The endpoint refused (its message), or is not there. */
class EndpointError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

type Call = (method: string, path: string, body?: unknown) => Promise<unknown>;

async function runCommand(values: Record<string, string | boolean | (string | boolean)[] | undefined>, positionals: string[], call: Call): Promise<number> {
  const [command, id] = positionals;
  const needId = () => {
    if (!id) throw new UsageError(`${command} needs the paused message's ID (see gatehouse breakpoints list)`);
    return encodeURIComponent(id);
  };
  const headers = (values.header as string[] | undefined) ?? [];
  const print = (state: BreakpointState) => process.stdout.write(values.json ? `${JSON.stringify(state, null, 2)}\n` : describe(state));
  switch (command) {
    case 'list':
      print((await call('GET', '/breakpoints')) as BreakpointState);
      return 0;
    case 'add': {
      const state = (await call('GET', '/breakpoints')) as BreakpointState;
      const header = headers[0] === undefined ? undefined : headerRule(headers[0]);
      const rule = {
        request: values['response-only'] !== true,
        response: values.response === true || values['response-only'] === true,
        ...(values.method ? { method: values.method as string } : {}),
        ...(values.path ? { path: values.path as string } : {}),
        ...(header ? { header } : {}),
      };
      print((await call('PUT', '/breakpoints', { rules: [...state.rules.map(stored), rule] })) as BreakpointState);
      return 0;
    }
    case 'clear':
      print((await call('PUT', '/breakpoints', { rules: [] })) as BreakpointState);
      return 0;
    case 'timeout': {
      const ms = Number(id);
      if (!id || !Number.isInteger(ms)) throw new UsageError('timeout needs a whole number of milliseconds');
      const state = (await call('GET', '/breakpoints')) as BreakpointState;
      print((await call('PUT', '/breakpoints', { rules: state.rules.map(stored), timeoutMs: ms })) as BreakpointState);
      return 0;
    }
    case 'show':
      process.stdout.write(`${JSON.stringify(await call('GET', `/breakpoints/paused/${needId()}`), null, 2)}\n`);
      return 0;
    case 'resume': {
      const path = `/breakpoints/paused/${needId()}`;
      const edit: Record<string, unknown> = {};
      const removed = (values['remove-header'] as string[] | undefined) ?? [];
      if (headers.length > 0 || removed.length > 0) {
        const message = (await call('GET', path)) as PausedMessage;
        edit.headers = withHeaders((message.response ?? message.request).headers, headers.map(headerLine), removed);
      }
      if (values.body !== undefined) edit.body = values.body;
      if (values.method !== undefined) edit.method = values.method;
      if (values.url !== undefined) edit.url = values.url;
      if (values.status !== undefined) edit.status = Number(values.status);
      print((await call('POST', `${path}/resume`, edit)) as BreakpointState);
      return 0;
    }
    case 'respond':
      print(
        (await call('POST', `/breakpoints/paused/${needId()}/respond`, {
          status: values.status === undefined ? 200 : Number(values.status),
          headers: headers.map(headerLine),
          ...(values.body !== undefined ? { body: values.body } : {}),
        })) as BreakpointState,
      );
      return 0;
    case 'drop':
      print((await call('POST', `/breakpoints/paused/${needId()}/drop`, {})) as BreakpointState);
      return 0;
    default:
      throw new UsageError(command ? `unknown breakpoints command "${command}"` : 'a command is required: list, add, clear, timeout, show, resume, respond or drop');
  }
}

function stored(rule: BreakpointRule) {
  return { ...rule };
}

function headerRule(text: string): { name: string; value?: string } {
  const colon = text.indexOf(':');
  return colon < 0 ? { name: text.trim() } : { name: text.slice(0, colon).trim(), value: text.slice(colon + 1).trim() };
}

function headerLine(text: string): [string, string] {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new UsageError(`--header must be "Name: value", got "${text}"`);
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}

/** The paused message's headers with the named ones replaced (or added) and the removed ones gone. */
export function withHeaders(current: HeaderList, set: HeaderList, removed: string[]): HeaderList {
  const replaced = new Set([...set.map(([name]) => name.toLowerCase()), ...removed.map((name) => name.toLowerCase())]);
  return [...current.filter(([name]) => !replaced.has(name.toLowerCase())), ...set];
}

function describe(state: BreakpointState): string {
  const lines: string[] = [];
  lines.push(state.rules.length === 0 ? 'no rules: nothing is paused' : `rules (paused messages resume unchanged after ${state.timeoutMs} ms):`);
  for (const rule of state.rules) {
    const parts = [rule.method ?? 'any method'];
    if (rule.path) parts.push(`path ~ ${rule.path}`);
    if (rule.header) parts.push(`header ${rule.header.name}${rule.header.value !== undefined ? `: ${rule.header.value}` : ''}`);
    parts.push(rule.request && rule.response ? 'request and response' : rule.request ? 'request' : 'response');
    lines.push(`  ${rule.id}${rule.enabled ? '' : ' (disabled)'}  ${parts.join(' · ')}`);
  }
  lines.push(state.paused.length === 0 ? 'nothing paused' : 'paused:');
  for (const paused of state.paused)
    lines.push(`  ${paused.id}  ${paused.phase.padEnd(8)} ${paused.method} ${paused.target}${paused.status !== undefined ? ` → ${paused.status}` : ''}  (until ${new Date(paused.expiresAt).toISOString()})`);
  return `${lines.join('\n')}\n`;
}

function callEndpoint(port: number, method: string, path: string, body?: unknown): Promise<unknown> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, agent: false, headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: { error?: { message?: string } } | undefined;
          try {
            parsed = JSON.parse(text);
          } catch {
            return reject(new EndpointError(`127.0.0.1:${port} did not answer as a gatehouse breakpoint endpoint (HTTP ${res.statusCode})`, 1));
          }
          if ((res.statusCode ?? 500) >= 400) return reject(new EndpointError(parsed?.error?.message ?? `HTTP ${res.statusCode}`, res.statusCode ?? 500));
          resolve(parsed);
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ECONNREFUSED' ? new EndpointError(`no breakpoint endpoint on 127.0.0.1:${port}: start the gateway with --breakpoints (and --breakpoints-port ${port} if not the default)`, 1) : error),
    );
    req.end(payload);
  });
}
