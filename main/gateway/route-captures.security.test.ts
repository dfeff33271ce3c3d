// A route's capture groups are joined into the path the upstream gets: the join must not create
// what the request checks refuse in the request path itself (dot segments, encoded slashes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecordingUpstream, type RecordingUpstream } from '../testing/raw-http';
import { request } from '../testing/net';
import { startGateway, type StartedGateway } from './testing';

describe('paths joined from capture groups', () => {
  let upstream: RecordingUpstream;
  let gateway: StartedGateway;

  beforeAll(async () => {
    upstream = await startRecordingUpstream();
    gateway = await startGateway({
      basePath: '/api',
      services: [{ name: 'u', url: upstream.url }],
      routes: [
        { service: 'u', destinationPath: '/', rules: [{ path: '/a(/.)b(./.*)' }] },
        { service: 'u', destinationPath: '/', rules: [{ path: '/e(/%2)b(F.*)' }] },
        { service: 'u', destinationPath: '/v1', rules: [{ path: '/ok(/.*)' }] },
      ],
    });
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('refuses a join that forms a dot segment, and never calls the upstream', async () => {
    const res = await request(gateway.url('/api/a/.b./etc/passwd'));
    expect(res.status).toBe(400);
    expect(res.json().error.message).toMatch(/"\.\." segments.*in the path the route forwards/);
    expect(upstream.seen).toEqual([]);
  });

  it('refuses a join that forms an encoded slash', async () => {
    const res = await request(gateway.url('/api/e/%2bF/x'));
    expect(res.status).toBe(400);
    expect(res.json().error.message).toMatch(/encoded slash/);
    expect(upstream.seen).toEqual([]);
  });

  it('forwards ordinary captures', async () => {
    const res = await request(gateway.url('/api/ok/items/1?q=1'));
    expect(res.status).toBe(200);
    expect(upstream.seen.map((seen) => seen.url)).toEqual(['/v1/items/1?q=1']);
  });
});
