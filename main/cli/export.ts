/**
 * `gatehouse export [--data-dir DIR] [--format yaml|kubernetes|compose]`: the whole setup as
 * YAML on stdout, with no secret in clear — the portable config, or manifests that run it.
 */
import { existsSync } from 'node:fs';
import type { Store } from '../store/store';
import { parseCommandArgs, positiveIntOption } from './args';
import { UsageError, type CliCommand } from './command';
import { resolveDataDir } from './data-dir';

const usage = `Usage: gatehouse export [--data-dir DIR] [--format yaml|kubernetes|compose] > gatehouse.yaml

Prints every gateway, API (with its policies), SLA tier, application, contract and alert rule
as YAML: Flex Gateway's local-mode resources plus gatehouse.dev/v1 kinds, and an Extension
(spec.source: the file's path) for each custom policy an API uses. Application secrets
and basic-auth passwords appear only as salted hashes; webhook URLs, private keys and upstream
credentials as \${VARIABLE} references, listed at the top, to set in the environment. The
built-in gateway's port is \${GATEHOUSE_GATEWAY_PORT:-<port>} and paths in the data dir
\${GATEHOUSE_DATA_DIR:-<dir>}: another instance imports the file on its own port and data dir.
\`gatehouse import\` / \`apply\` read it back; \`gatehouse gateway --config\` runs it.

  --format kubernetes   manifests running the gateway image in local mode: ConfigMap (the
                        conf.d), Secret (the references, values left empty), Deployment (health
                        probes, resource requests), Service, Redis when shared counters use one,
                        and a ConfigMap with each custom policy's bundled code
  --format compose      the same as a Docker Compose file
  --image IMAGE         gateway image for those (default gatehouse-gateway:latest; docs/deploy.md)
  --replicas N          Deployment replicas (default 2)
  --name NAME           name prefix of the objects (default gatehouse)
  --namespace NS        Kubernetes namespace (default: none, the current one)`;

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'print the whole setup as declarative YAML (or Kubernetes/Compose manifests)',
  usage,
  async run(argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        'data-dir': { type: 'string', short: 'd' },
        format: { type: 'string', short: 'f' },
        image: { type: 'string' },
        replicas: { type: 'string' },
        name: { type: 'string' },
        namespace: { type: 'string' },
      },
      true,
    );
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"; export writes to stdout (redirect it to a file)`);
    const format = (values.format as string | undefined) ?? 'yaml';
    if (format !== 'yaml' && format !== 'kubernetes' && format !== 'compose') throw new UsageError(`--format must be yaml, kubernetes or compose, got "${format}"`);
    const name = (values.name as string | undefined) ?? 'gatehouse';
    if (!/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/.test(name)) throw new UsageError(`--name must be a DNS label (lower-case letters, digits, "-"), got "${name}"`);
    const namespace = values.namespace as string | undefined;
    if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) throw new UsageError(`--namespace must be a DNS label, got "${namespace}"`);
    const image = ((values.image as string | undefined) ?? 'gatehouse-gateway:latest').trim();
    if (!image || /\s/.test(image)) throw new UsageError('--image must be an image reference such as registry.example.com/gatehouse-gateway:1.0');
    const replicas = positiveIntOption(values.replicas as string | undefined, 'replicas', 2);

    const dataDir = resolveDataDir(values['data-dir'] as string | undefined);
    // Loaded here, not at startup: SQLite is only needed by the commands that open the database.
    const [{ exportConfig }, { deployManifests }, { databasePath }, { Store }] = await Promise.all([
      import('../control/config-export'),
      import('../control/deploy-export'),
      import('../store/database'),
      import('../store/store'),
    ]);
    if (!existsSync(databasePath(dataDir))) {
      process.stderr.write(`gatehouse export: no Gatehouse data in ${dataDir} (start \`gatehouse serve\` there first, or pass --data-dir)\n`);
      return 1;
    }
    let store: Store;
    try {
      store = Store.open(dataDir);
    } catch (error) {
      process.stderr.write(`gatehouse export: ${(error as Error).message}\n`);
      return 1;
    }
    try {
      if (format === 'yaml') process.stdout.write(exportConfig(store, { dataDir }));
      else process.stdout.write(deployManifests(store, format, { name, image, replicas, ...(namespace ? { namespace } : {}) }));
      return 0;
    } catch (error) {
      process.stderr.write(`gatehouse export: ${(error as Error).message}\n`);
      return 1;
    } finally {
      store.close();
    }
  },
};
