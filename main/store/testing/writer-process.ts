/**
 * A second process writing to the same data dir (bundled and started by the concurrency test):
 * `node writer.cjs DATA_DIR PREFIX COUNT`. Prints `done COUNT` or the error it hit.
 */
import { EMBEDDED_GATEWAY_ID } from '../gateways';
import { Store } from '../store';

const [dataDir, prefix, countText] = process.argv.slice(2);
const store = Store.open(dataDir!, { migrate: true });
try {
  const count = Number(countText);
  for (let i = 0; i < count; i += 1) {
    // Several rows per transaction, so the write lock is held for a while each time.
    store.transaction(() => {
      const api = store.apis.insert({
        name: `${prefix}-${i}`,
        implementationUrl: 'http://127.0.0.1:3000/',
        basePath: `/${prefix}-${i}`,
        gatewayId: EMBEDDED_GATEWAY_ID,
      });
      store.policies.insert({ apiId: api.id, policyRef: 'cors-flex', config: {} });
      store.settings.set(`${prefix}-last`, i);
    });
  }
  process.stdout.write(`done ${count}\n`);
} catch (error) {
  process.stdout.write(`error ${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  store.close();
}
