/**
 * `gatehouse serve`: the control plane (SQLite), the embedded gateway and the web UI, headless.
 * Prints the UI URL with a one-time login token and where the admin token is; stops cleanly
 * on SIGINT/SIGTERM (admin server closed, telemetry flushed, gateway drained, database closed).
 */
import path from 'node:path';
import { version } from '../../package.json';
import type { RunningGatehouse } from '../server/start-gatehouse';
import { ensurePrivateDir } from '../store/private-files';
import { parseCommandArgs, portOption } from './args';
import type { CliCommand } from './command';
import { resolveDataDir } from './data-dir';
import { untilSignal } from './signals';

const usage = `Usage: gatehouse serve [--port 4680] [--host 127.0.0.1] [--gateway-port 8081] [--data-dir DIR] [--verbose]

Runs the control plane, the embedded gateway and the web UI without the desktop app.

  --port N           admin API and web UI port (default 4680)
  --host HOST        interface for the admin API (default 127.0.0.1; anything else exposes it)
  --gateway-port N   port of the embedded gateway (default: the stored one, 8081 at first start)
  --data-dir DIR     where state is kept (default: $GATEHOUSE_DATA_DIR, else the app-data folder)
  --verbose          also log informational lines (config applied, …)

The admin API is under /api/v1 and needs "Authorization: Bearer <token>"; the token is in
<data-dir>/admin-token (mode 0600) unless GATEHOUSE_ADMIN_TOKEN is set.

Diagnostics: GATEHOUSE_TELEMETRY=off serves traffic without request telemetry (no metrics,
traffic log or Try-it trace), to measure what telemetry costs.`;

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'run the control plane, embedded gateway and web UI (headless)',
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(argv, {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'gateway-port': { type: 'string' },
      'data-dir': { type: 'string', short: 'd' },
      verbose: { type: 'boolean' },
    });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const port = portOption(values.port as string | undefined, 'port', 4680);
    // Without the flag the stored port is kept (8081 on first start), so a port changed in the UI sticks.
    const gatewayFlag = values['gateway-port'] as string | undefined;
    const gatewayPort = gatewayFlag === undefined ? undefined : portOption(gatewayFlag, 'gateway-port', 8081);
    const host = (values.host as string | undefined) ?? '127.0.0.1';
    const dataDir = resolveDataDir(values['data-dir'] as string | undefined);
    // 0700 (files 0600) whatever the umask: it holds the admin token and the secret key.
    ensurePrivateDir(dataDir);

    const verbose = values.verbose === true;
    const log = (level: 'info' | 'warn' | 'error', message: string) => {
      if (level !== 'info' || verbose) process.stderr.write(`gatehouse ${level}: ${message}\n`);
    };
    let running: RunningGatehouse;
    try {
      // Loaded here: the control plane brings SQLite and the Docker client, which other commands never need.
      const { startGatehouse } = await import('../server/start-gatehouse');
      running = await startGatehouse({ dataDir, gatewayPort, adminHost: host, adminPort: port, staticDir: rendererDir(), version, log, adminRequired: true });
    } catch (error) {
      process.stderr.write(`gatehouse serve: ${(error as Error).message}\n`);
      return 1;
    }
    const admin = running.admin!;
    const embeddedPort = running.embeddedPort;

    process.stdout.write(
      [
        `Gatehouse ${version} is running.`,
        `  Web UI:     ${admin.loginUrl}`,
        `  Admin API:  ${admin.url}/api/v1  (Authorization: Bearer <token>)`,
        `  Token:      ${admin.tokenFile ?? 'from GATEHOUSE_ADMIN_TOKEN'}`,
        `  Gateway:    http://127.0.0.1:${embeddedPort()}`,
        `  Data:       ${dataDir}`,
        'Press Ctrl+C to stop.',
        '',
      ].join('\n'),
    );

    const signal = await untilSignal();
    process.stdout.write(`${signal}: stopping…\n`);
    await running.stop();
    process.stdout.write('stopped\n');
    return 0;
  },
};

/** `dist/renderer/` beside the bundled CLI (dist/cli.cjs), else under the working directory. */
function rendererDir(): string {
  const here = typeof __dirname === 'string' ? __dirname : process.cwd();
  return path.basename(here) === 'dist' ? path.join(here, 'renderer') : path.resolve('dist', 'renderer');
}
