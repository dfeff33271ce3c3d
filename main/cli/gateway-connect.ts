/**
 * `gatehouse gateway --connect URL --token TOKEN [--name NAME]`: a connected replica. Also the
 * Docker image's entry (main/cli/replica-entry.ts), which passes the same settings through
 * GATEHOUSE_CONNECT_URL, GATEHOUSE_TOKEN, GATEHOUSE_REPLICA_NAME, GATEHOUSE_LISTEN_PORT and
 * GATEHOUSE_LISTEN_HOST. Flags win over the environment.
 */
import os from 'node:os';
import path from 'node:path';
import { ConnectedGateway } from '../gateway/connected/connected-gateway';
import { portOption } from './args';
import { UsageError } from './command';
import { stdoutLines, writeStdout } from './line-batch';
import { formatAccessLine } from './gateway-output';
import { untilSignal } from './signals';

export const connectUsage = `Connected mode: gatehouse gateway --connect URL --token TOKEN [--name NAME] [--listen-port N] [--quiet]

  --connect URL        the control plane (the app's admin URL, e.g. http://127.0.0.1:4680)
  --token TOKEN        the gateway's replica token (Gateways → Connect a replica); not the admin token
  --name NAME          replica name shown in the app (default: this host's name)
  --listen-port N      serve on port N instead of the gateway's port (several replicas on one host)
Environment: GATEHOUSE_CONNECT_URL, GATEHOUSE_TOKEN, GATEHOUSE_REPLICA_NAME, GATEHOUSE_LISTEN_PORT,
GATEHOUSE_LISTEN_HOST, GATEHOUSE_LOOPBACK_ALIAS, GATEHOUSE_CACHE_DIR (last config kept there; default the temp dir).`;

export interface ConnectSettings {
  url: string;
  token: string;
  name: string;
  listenPort?: number;
  listenHost?: string;
  loopbackAlias?: string;
  cacheFile: string;
}

/** Flags over environment; a UsageError names what is missing. */
export function connectSettings(flags: { connect?: string; token?: string; name?: string; listenPort?: string }, env: NodeJS.ProcessEnv = process.env): ConnectSettings {
  const url = flags.connect || env.GATEHOUSE_CONNECT_URL;
  if (!url) throw new UsageError('--connect URL is required (or GATEHOUSE_CONNECT_URL)');
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new UsageError(`--connect must be an http(s) URL such as http://127.0.0.1:4680, got "${url}"`);
  }
  const token = flags.token || env.GATEHOUSE_TOKEN;
  if (!token) throw new UsageError('--token TOKEN is required (or GATEHOUSE_TOKEN): the gateway token the app shows when you connect a replica');
  const name = flags.name || env.GATEHOUSE_REPLICA_NAME || os.hostname();
  const portText = flags.listenPort ?? env.GATEHOUSE_LISTEN_PORT;
  const listenPort = portText ? portOption(portText, 'listen-port', 0) : undefined;
  const listenHost = env.GATEHOUSE_LISTEN_HOST || undefined;
  const loopbackAlias = env.GATEHOUSE_LOOPBACK_ALIAS || undefined;
  const cacheDir = env.GATEHOUSE_CACHE_DIR || os.tmpdir();
  const cacheFile = path.join(cacheDir, `gatehouse-replica-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
  return { url, token, name, ...(listenPort !== undefined ? { listenPort } : {}), ...(listenHost ? { listenHost } : {}), ...(loopbackAlias ? { loopbackAlias } : {}), cacheFile };
}

/** Runs the replica until SIGINT/SIGTERM; resolves with the exit code. */
export async function runConnected(settings: ConnectSettings, options: { quiet?: boolean; verbose?: boolean; drainMs?: number; version?: string } = {}): Promise<number> {
  const replica = new ConnectedGateway({
    ...settings,
    version: options.version,
    onRequest: options.quiet ? undefined : (fact) => stdoutLines.push(formatAccessLine(fact)),
    log: (level, message) => {
      if (level !== 'info' || !options.quiet || options.verbose) process.stderr.write(`gatehouse ${level}: ${message}\n`);
    },
  });
  process.stdout.write(`replica "${settings.name}" connecting to ${settings.url}${settings.listenPort !== undefined ? `; serving on port ${settings.listenPort}` : ''}\n`);
  await replica.start();
  const signal = await untilSignal();
  writeStdout(`${signal}: draining (up to ${options.drainMs ?? 10_000} ms)…\n`);
  await replica.stop({ graceMs: options.drainMs ?? 10_000 });
  writeStdout('replica stopped\n');
  return 0;
}
