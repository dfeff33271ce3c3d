import { describe, expect, it } from 'vitest';
import { loadConfigText } from './load';

const api = `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: json-http
spec:
  address: http://0.0.0.0:8080/json
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: Service
metadata:
  name: stable
spec:
  address: http://127.0.0.1:3000/
---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: Service
metadata:
  name: beta
spec:
  address: http://127.0.0.1:3001/base
---
`;

const weighted = (routes: string, rules = '') => `${api}apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: split
spec:
  targetRef:
    name: json-http
  policyRef:
    name: route-weighted
  config:
    routes:
${routes}${rules}`;

describe('route-weighted in YAML', () => {
  it('becomes one route over both Services, with per-upstream destinationPath, its rules and YAML scalars as text', () => {
    const loaded = loadConfigText(
      weighted(
        `    - weight: 75
      destinationPath: /posts/
      destinationRef: { name: stable }
    - weight: 25
      destinationRef: { name: beta, kind: Service }
`,
        `  rules:
  - path: (.*)
    methods: GET|POST
    headers:
      x-test: true
      x-version: 2
      x-beta: yes
`,
      ),
      'split.yaml',
      { env: {} },
    );
    expect(loaded.errors).toEqual([]);
    const result = loaded.snapshot!.listeners[0]!.apis[0]!;
    expect(result.services.map((s) => s.name)).toEqual(['stable', 'beta']);
    expect(result.routes).toEqual([
      {
        service: 'stable',
        destinationPath: '/posts',
        weighted: [
          { service: 'stable', destinationPath: '/posts', weight: 75 },
          { service: 'beta', destinationPath: '/', weight: 25 },
        ],
        rules: [{ path: '(.*)', methods: 'GET|POST', headers: [{ 'x-test': 'true', 'x-version': '2', 'x-beta': 'yes' }] }],
      },
    ]);
  });

  it.each([
    ['a weight of 0', '    - weight: 0\n      destinationRef: { name: stable }\n', 'spec.config.routes[0].weight', 33],
    ['a weight over 100', '    - weight: 101\n      destinationRef: { name: stable }\n', 'spec.config.routes[0].weight', 33],
    ['no weight', '    - destinationRef: { name: stable }\n', 'spec.config.routes[0].weight', 33],
    ['an unknown Service', '    - weight: 1\n      destinationRef: { name: stable }\n    - weight: 1\n      destinationRef: { name: stabel }\n', 'spec.config.routes[1].destinationRef.name', 36],
    ['an unknown field', '    - weight: 1\n      destination: stable\n      destinationRef: { name: stable }\n', 'spec.config.routes[0].destination', 34],
  ])('refuses %s, naming the field and line', (_name, routes, field, line) => {
    const loaded = loadConfigText(weighted(routes), 'split.yaml', { env: {} });
    expect(loaded.snapshot).toBeUndefined();
    expect(loaded.errors).toContainEqual(expect.objectContaining({ file: 'split.yaml', field, line }));
  });

  it('refuses an empty routes list', () => {
    const loaded = loadConfigText(weighted('      []\n'), 'split.yaml', { env: {} });
    expect(loaded.errors).toContainEqual(expect.objectContaining({ field: 'spec.config.routes', message: expect.stringMatching(/at least one upstream/) }));
  });

  it('tries route bindings in policy order (then declaration order), those without rules last', () => {
    const binding = (name: string, policy: string, config: string, extra: string) => `---
apiVersion: gateway.mulesoft.com/v1alpha1
kind: PolicyBinding
metadata:
  name: ${name}
spec:
  targetRef:
    name: json-http
  policyRef:
    name: ${policy}
  config:
${config}${extra}`;
    const toBeta = '    destinationRef: { name: beta }\n';
    const split = '    routes:\n    - weight: 1\n      destinationRef: { name: stable }\n    - weight: 1\n      destinationRef: { name: beta }\n';
    const text =
      api.replace(/---\n$/, '') +
      binding('everything', 'route', toBeta, '') +
      binding('gets', 'route-weighted', split, '  order: 20\n  rules:\n  - methods: GET\n') +
      binding('posts', 'route', toBeta, '  order: 10\n  rules:\n  - methods: POST\n');
    const loaded = loadConfigText(text, 'order.yaml', { env: {} });
    expect(loaded.errors).toEqual([]);
    const routes = loaded.snapshot!.listeners[0]!.apis[0]!.routes;
    expect(routes.map((route) => [route.service, route.rules?.[0]?.methods, route.weighted?.length])).toEqual([
      ['beta', 'POST', undefined],
      ['stable', 'GET', 2],
      ['beta', undefined, undefined],
    ]);
  });
});
