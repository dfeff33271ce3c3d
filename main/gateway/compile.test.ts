import { describe, expect, it } from 'vitest';
import { MemoryCounterStore } from '../policies/counters';
import { compileSnapshot, joinPrefix } from './compile';
import type { GatewaySnapshot } from './snapshot';
import { snapshotFor, type ApiSnapshotInput } from './testing';
import { AgentPool } from './upstream';

const deps = () => ({ counters: new MemoryCounterStore(), env: {}, log: () => {}, agents: new AgentPool() });
const compile = (snapshot: GatewaySnapshot) => compileSnapshot(snapshot, deps());
const apis = (...inputs: ApiSnapshotInput[]) => snapshotFor(inputs, 8080);

describe('snapshot compilation', () => {
  it('sorts APIs by base path, longest first', () => {
    const compiled = compile(apis({ basePath: '/', upstream: 'http://u' }, { basePath: '/a/b', upstream: 'http://u' }, { basePath: '/a', upstream: 'http://u' }));
    expect(compiled.listeners.get('127.0.0.1:8080')!.apis.map((a) => a.basePath)).toEqual(['/a/b', '/a', '/']);
  });

  it('precomputes the upstream prefix from the service path and destinationPath', () => {
    expect(joinPrefix('/svc/', '/v2/')).toBe('/svc/v2');
    expect(joinPrefix('', '/')).toBe('');
    expect(joinPrefix('/', 'x')).toBe('/x');
    const compiled = compile(apis({ basePath: '/a', services: [{ name: 's', url: 'http://u:81/base/' }], routes: [{ service: 's', destinationPath: '/v1' }] }));
    const route = compiled.listeners.get('127.0.0.1:8080')!.apis[0]!.routes[0]!;
    expect(route.prefix).toBe('/base/v1');
    expect(route.upstream.hostHeader).toBe('u:81');
  });

  it.each([
    ['a base path with a trailing slash', apis({ basePath: '/a/', upstream: 'http://u' }), /basePath.*trailing slash/],
    ['a base path without a leading slash', apis({ basePath: 'a', upstream: 'http://u' }), /basePath/],
    ['two APIs on the same base path', apis({ name: 'one', basePath: '/a', upstream: 'http://u' }, { name: 'two', id: 'x', basePath: '/a', upstream: 'http://u' }), /"one" and "two" both claim 127\.0\.0\.1:8080\/a/],
    ['a route to a missing service', apis({ basePath: '/a', upstream: 'http://u', routes: [{ service: 'ghost', destinationPath: '/' }] }), /routes\[0\]\.service.*"ghost"/],
    ['a destinationPath with a space', apis({ basePath: '/a', upstream: 'http://u', routes: [{ service: 'upstream', destinationPath: '/v 1' }] }), /routes\[0\]\.destinationPath.*without spaces/],
    ['a non-http service URL', apis({ basePath: '/a', upstream: 'ftp://u' }), /services\[0\]\.url.*ftp:/],
    ['a relative service URL', apis({ basePath: '/a', upstream: '/just/a/path' }), /services\[0\]\.url.*not an absolute URL/],
    ['an unknown policy', apis({ name: 'orders', basePath: '/a', upstream: 'http://u', policies: [{ name: 'made-up' }] }), /orders.*unknown policy "made-up"/],
    ['an invalid port', { ...apis({ upstream: 'http://u' }), listeners: [{ host: '127.0.0.1', port: 70000, apis: [] }] }, /listeners\[0\]\.port/],
  ])('rejects %s with a message naming the field', (_name, snapshot, message) => {
    expect(() => compile(snapshot)).toThrow(message);
  });

  it('leaves out bindings that are not per request (tls, tls-outbound, health-check-flex) and disabled ones', () => {
    const compiled = compile(
      apis({
        basePath: '/a',
        upstream: 'http://u',
        policies: [{ name: 'tls' }, { name: 'tls-outbound' }, { name: 'health-check-flex' }, { name: 'made-up', enabled: false }],
      }),
    );
    expect(compiled.listeners.get('127.0.0.1:8080')!.apis[0]!.bindings).toEqual([]);
  });

  it('shares one keep-alive agent per upstream across APIs', () => {
    const compiled = compile(apis({ basePath: '/a', upstream: 'http://u:1/x' }, { id: 'b', basePath: '/b', upstream: 'http://u:1/y' }));
    expect(compiled.agentKeys.size).toBe(1);
  });
});
