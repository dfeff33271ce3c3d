/**
 * Declarative config (export / import) and Try it.
 */
import { ContractError, ContractErrorCode } from '../../../shared/contract/errors';
import type { ContractHandlers } from '../../../shared/contract/methods';
import { exportConfig, exportedSecretEnv } from '../config-export';
import { applyImport } from '../config-apply';
import { parseImportWithCustomPolicies } from '../config-import-custom';
import { importEnv } from '../config-portable';
import { environmentVariables, listEnvironments, putEnvironment, removeEnvironment } from '../environments';
import { trySend, trySendUpstream } from '../try-send';
import { missingReference, type HandlerContext } from './context';

type ConfigHandlers = Pick<ContractHandlers, 'config.export' | 'config.import' | 'environments.list' | 'environments.put' | 'environments.remove' | 'try.send'>;

/** Name used for the uploaded document in error locations. */
const UPLOAD_FILE = 'config.yaml';

export function configHandlers(ctx: HandlerContext): ConfigHandlers {
  const { store, live } = ctx;
  return {
    'config.export': async () => exportConfig(store, { dataDir: ctx.dataDir }),

    'config.import': async ({ yaml, mode, dryRun, environment }) => {
      // ${VARIABLE}s: this instance's port and data dir, the stored values an export references, the chosen environment.
      const variables = environment !== undefined ? environmentVariables(store, environment) : {};
      // Bindings may use the policies library's custom policies, by name, like built-ins.
      const custom = ctx.customPolicies;
      // An Extension in the file (an export writes one per custom policy used) stands for the library's policy of that name.
      const parsed = await parseImportWithCustomPolicies(yaml, UPLOAD_FILE, importEnv(store, ctx.dataDir, exportedSecretEnv(store), variables), custom.library);
      if (dryRun) return store.transaction(() => applyImport(store, parsed, UPLOAD_FILE, { mode, dryRun: true, customPolicies: custom.catalogueEntry }));
      const outcome = await live.write((tx, changes) => {
        const result = applyImport(tx, parsed, UPLOAD_FILE, { mode, customPolicies: custom.catalogueEntry });
        if (result.applied) changes.push({ kind: 'config', id: '*', action: 'updated' });
        return result;
      });
      // Secrets typed in this session may belong to applications that were just replaced.
      if (outcome.applied) ctx.sessionSecrets.clear();
      return outcome;
    },

    'environments.list': async () => listEnvironments(store),
    'environments.put': async (input) => store.transaction(() => putEnvironment(store, input)),
    'environments.remove': async ({ name }) => {
      if (!store.transaction(() => removeEnvironment(store, name))) throw new ContractError(ContractErrorCode.notFound, `no environment named "${name}"`);
    },

    'try.send': async (input) => {
      const api = store.apis.get(input.apiId);
      if (!api) throw missingReference('apiId', 'API', input.apiId);
      if (input.target === 'upstream') {
        // Both belong to the gateway's policies, which a direct send bypasses: say so rather than ignore them.
        const issues = [
          ...(input.dryRun ? [{ path: 'dryRun', message: "a dry run shows the gateway's policy decisions; target 'upstream' bypasses the gateway" }] : []),
          ...(input.applicationId !== undefined ? [{ path: 'applicationId', message: "an application's credentials are sent through the gateway; with target 'upstream' send them yourself as headers" }] : []),
        ];
        if (issues.length > 0) throw ContractError.validation(issues);
        return trySendUpstream(input, api);
      }
      const gateway = store.gateways.get(api.gatewayId)!;
      if (gateway.kind !== 'embedded')
        throw new ContractError(ContractErrorCode.unavailable, `API "${api.name}" is on docker gateway "${gateway.name}"; Try it sends through the embedded gateway only`);
      let credentials: { clientId: string; clientSecret: string } | undefined;
      if (input.applicationId !== undefined) {
        const application = store.applications.get(input.applicationId);
        if (!application) throw missingReference('applicationId', 'application', input.applicationId);
        const secret = ctx.sessionSecrets.get(application.id);
        if (secret === undefined)
          throw ContractError.validation([
            {
              path: 'applicationId',
              message: `the secret of application "${application.name}" is stored only as a hash and was shown once; regenerate it, or send it yourself in the client_secret header`,
            },
          ]);
        credentials = { clientId: application.clientId, clientSecret: secret };
      }
      const listener = ctx.runtime.listenerAddresses().find((address) => address.port === gateway.port);
      return trySend(input, { api, gateway, https: listener?.protocol === 'https', traces: ctx.tryTraces, dryRunToken: ctx.runtime.dryRunToken, ...(credentials ? { credentials } : {}) });
    },
  };
}
