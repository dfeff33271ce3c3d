/**
 * First run without a second terminal (e2e/flows/main-flows.ts, also run in the desktop app):
 * "Add the sample API" starts the bundled demo API when none runs, puts a gateway in front of
 * it and lands on Try it, where the first request works.
 */
import { adminCall, test } from './fixtures';
import { sampleApiFlow } from './flows/main-flows';

test.use({ freshServer: true });

test('the sample API works in two clicks on a fresh install', async ({ app: page, gatehouse }) => {
  // The fresh server is shared with other first-run specs: back to no APIs at all.
  await sampleApiFlow(page, async () => {
    for (const api of await adminCall<{ id: string }[]>(gatehouse, 'GET', '/apis')) await adminCall(gatehouse, 'DELETE', `/apis/${encodeURIComponent(api.id)}`);
  });
});
