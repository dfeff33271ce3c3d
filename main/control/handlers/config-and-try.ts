/**
 * Declarative config (export / import) and Try it.
 */
import { ContractError, ContractErrorCode } from '../../../shared/contract/errors';
import type { ContractHandlers } from '../../../shared/contract/methods';
import { exportConfig, exportedSecretEnv } from '../config-export';
import { parseImport, replaceWithImport } from '../config-import';
import { trySend } from '../try-send';
import { missingReference, type HandlerContext } from './context';

type ConfigHandlers = Pick<ContractHandlers, 'config.export' | 'config.import' | 'try.send'>;

/** Name used for the uploaded document in error locations. */
const UPLOAD_FILE = 'config.yaml';

export function configHandlers(ctx: HandlerContext): ConfigHandlers {
  const { store, live } = ctx;
  return {
    'config.export': async () => exportConfig(store),

    'config.import': async ({ yaml }) => {
      // An export's ${VARIABLE}s (webhook URLs, keys) come from the environment, else from what this store holds.
      const parsed = parseImport(yaml, UPLOAD_FILE, { ...exportedSecretEnv(store), ...process.env });
      const outcome = await live.write((tx, changes) => {
        const result = replaceWithImport(tx, parsed, UPLOAD_FILE);
        changes.push({ kind: 'config', id: '*', action: 'updated' });
        return result;
      });
      // Secrets typed in this session may belong to applications that were just replaced.
      ctx.sessionSecrets.clear();
      return outcome;
    },

    'try.send': async (input) => {
      const api = store.apis.get(input.apiId);
      if (!api) throw missingReference('apiId', 'API', input.apiId);
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
