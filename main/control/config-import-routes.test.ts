import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rejection, startControlFixture, type ControlFixture } from './testing/control-fixture';

let fx: ControlFixture;
beforeEach(async () => {
  fx = await startControlFixture();
});
afterEach(async () => {
  await fx.close();
});

describe('import of Flex routing the app cannot represent', () => {
  it('refuses route-weighted (several upstreams by weight) with the line to change, and imports nothing', async () => {
    const yaml = `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: split
spec:
  address: http://127.0.0.1:${fx.gatewayPort}/split/
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: Service
metadata:
  name: a
spec:
  address: http://127.0.0.1:1/
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: split-route
spec:
  targetRef:
    name: split
  policyRef:
    name: route-weighted
  config:
    routes:
    - weight: 100
      destinationRef:
        name: a
`;
    const error = await rejection(fx.call('config.import', { yaml }));
    expect(error.details).toEqual([expect.objectContaining({ line: 23, path: 'spec.policyRef.name', message: expect.stringMatching(/route-weighted .* runs in local mode only/) })]);
    expect(await fx.call('apis.list', {})).toEqual([]);
  });
});
