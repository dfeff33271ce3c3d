/**
 * The newcomer flow (e2e/flows/main-flows.ts, also run in the desktop app): add an API, put a
 * 3-per-minute rate limit on it, send four requests from Try it (the fourth is refused with 429
 * by the rate-limiting policy), then find all four in the API's analytics and in the traffic log.
 */
import { test } from './fixtures';
import { newcomerFlow } from './flows/main-flows';

// A first run: nothing configured yet.
test.use({ freshServer: true });

test('add API → rate limit 3/min → 4 requests: the 4th is a 429 from the rate limit, and analytics and traffic show all 4', async ({ app: page, gatehouse }) => {
  await newcomerFlow(page, gatehouse);
});
