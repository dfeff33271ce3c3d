/**
 * The Docker image's entry point (bundled to dist/replica/gatehouse-replica.cjs with every
 * dependency inside, so the image needs only node and this file). The container runs
 * `node /app/gatehouse-replica.cjs gateway`; the settings come from the environment the Docker
 * manager sets (GATEHOUSE_CONNECT_URL, GATEHOUSE_TOKEN, GATEHOUSE_REPLICA_NAME,
 * GATEHOUSE_LISTEN_PORT, GATEHOUSE_LISTEN_HOST), flags as for `gatehouse gateway --connect`.
 * With `--config DIR` it runs local mode instead, as `gatehouse gateway --config` does (the
 * manifests of `gatehouse export --format kubernetes|compose`).
 */
import { version } from '../../package.json';
import { parseCommandArgs } from './args';
import { UsageError } from './command';
import { connectSettings, connectUsage, runConnected } from './gateway-connect';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== undefined && command !== 'gateway') throw new UsageError(`this image runs "gateway" only, got "${command}"`);
  // Local mode (`gateway --config DIR`): the image runs an exported conf.d on its own (Kubernetes, Compose).
  if (rest.some((arg) => arg === '--config' || arg === '-c' || arg.startsWith('--config='))) {
    const { gatewayCommand } = await import('./gateway');
    return gatewayCommand.run(rest);
  }
  const { values } = parseCommandArgs(rest, {
    connect: { type: 'string' },
    token: { type: 'string' },
    name: { type: 'string' },
    'listen-port': { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    verbose: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(`${connectUsage}\n`);
    return 0;
  }
  const settings = connectSettings({
    connect: values.connect as string | undefined,
    token: values.token as string | undefined,
    name: values.name as string | undefined,
    listenPort: values['listen-port'] as string | undefined,
  });
  return runConnected(settings, { quiet: values.quiet === true || process.env.GATEHOUSE_QUIET === '1', verbose: values.verbose === true, version });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`gatehouse-replica: ${error.message}\n\n${connectUsage}\n`);
      process.exit(2);
    }
    process.stderr.write(`gatehouse-replica: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
