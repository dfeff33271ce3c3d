import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, startEchoUpstream, type TestServer } from '../testing/net';
import { startGateway, type StartedGateway } from './testing';

interface Pem {
  crt: string;
  key: string;
}

/** A throwaway CA, a server certificate for localhost/127.0.0.1, a client certificate and an untrusted self-signed one. */
function makeCertificates(): { ca: Pem; server: Pem; client: Pem; rogue: Pem } {
  const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-tls-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    run('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Gatehouse Test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    const leaf = (name: string, cn: string, ext: string) => {
      run('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
      writeFileSync(path.join(dir, `${name}.ext`), ext);
      run('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
    };
    leaf('server', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    leaf('client', 'gatehouse-client', 'extendedKeyUsage=clientAuth\n');
    run('req', '-x509', ...ec, '-keyout', 'rogue.key', '-out', 'rogue.crt', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost');
    const read = (name: string): Pem => ({ crt: readFileSync(path.join(dir, `${name}.crt`), 'utf8'), key: readFileSync(path.join(dir, `${name}.key`), 'utf8') });
    return { ca: read('ca'), server: read('server'), client: read('client'), rogue: read('rogue') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface HttpsUpstream {
  port: number;
  servernames: (string | false | null)[];
  clientSubjects: string[];
  close(): Promise<void>;
}

async function startHttpsUpstream(pem: Pem, options: https.ServerOptions = {}): Promise<HttpsUpstream> {
  const servernames: (string | false | null)[] = [];
  const clientSubjects: string[] = [];
  const server = https.createServer({ cert: pem.crt, key: pem.key, ...options }, (req, res) => {
    const socket = req.socket as TLSSocket;
    servernames.push(socket.servername);
    const peer = socket.getPeerCertificate();
    if (peer?.subject) clientSubjects.push(String(peer.subject.CN));
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: req.url, host: req.headers.host }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    servernames,
    clientSubjects,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function httpsGet(url: string, options: https.RequestOptions = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { agent: false, ...options }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      })
      .on('error', reject);
  });
}

describe('TLS', () => {
  let certs: ReturnType<typeof makeCertificates>;
  let good: HttpsUpstream;
  let rogue: HttpsUpstream;
  let mutual: HttpsUpstream;
  let gateway: StartedGateway;
  const warnings: string[] = [];

  beforeAll(async () => {
    certs = makeCertificates();
    good = await startHttpsUpstream(certs.server);
    rogue = await startHttpsUpstream(certs.rogue);
    mutual = await startHttpsUpstream(certs.server, { ca: certs.ca.crt, requestCert: true, rejectUnauthorized: true });
    gateway = await startGateway(
      [
        { name: 'verified', basePath: '/verified', upstream: `https://localhost:${good.port}/base`, upstreamTls: { trustedCA: certs.ca.crt } },
        { name: 'system-cas', basePath: '/system-cas', upstream: `https://localhost:${good.port}` },
        { name: 'rogue', basePath: '/rogue', upstream: `https://localhost:${rogue.port}`, upstreamTls: { trustedCA: certs.ca.crt } },
        { name: 'skip', basePath: '/skip', upstream: `https://localhost:${rogue.port}`, upstreamTls: { skipValidation: true } },
        { name: 'mtls-up', basePath: '/mtls-up', upstream: `https://localhost:${mutual.port}`, upstreamTls: { trustedCA: certs.ca.crt, certificate: certs.client } },
        { name: 'mtls-up-nocert', basePath: '/mtls-up-nocert', upstream: `https://localhost:${mutual.port}`, upstreamTls: { trustedCA: certs.ca.crt } },
      ],
      { log: (level, message) => level === 'warn' && warnings.push(message) },
    );
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([good?.close(), rogue?.close(), mutual?.close()]);
  });

  it('verifies an HTTPS upstream against its trusted CA, with SNI and the upstream Host', async () => {
    const res = await request(gateway.url('/verified/users?id=1'));
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ url: '/base/users?id=1', host: `localhost:${good.port}` });
    expect(good.servernames.at(-1)).toBe('localhost');
  });

  it('keeps verification on by default: an unknown CA is a 502 UPSTREAM_TLS_ERROR with the reason', async () => {
    const res = await request(gateway.url('/system-cas/x'));
    expect(res.status).toBe(502);
    expect(res.json().error.code).toBe('UPSTREAM_TLS_ERROR');
    expect(res.json().error.message).toMatch(/certificate/i);
  });

  it('rejects a certificate not signed by the trusted CA', async () => {
    const res = await request(gateway.url('/rogue/x'));
    expect(res.status).toBe(502);
    expect(res.json().error.code).toBe('UPSTREAM_TLS_ERROR');
  });

  it('skipValidation accepts it, and says so loudly in the log', async () => {
    const res = await request(gateway.url('/skip/x'));
    expect(res.status).toBe(200);
    expect(warnings.filter((w) => /validation is OFF/.test(w) && w.includes(`localhost:${rogue.port}`))).toHaveLength(1);
  });

  it('presents a client certificate to an upstream that requires one', async () => {
    const res = await request(gateway.url('/mtls-up/x'));
    expect(res.status).toBe(200);
    expect(mutual.clientSubjects.at(-1)).toBe('gatehouse-client');
    const without = await request(gateway.url('/mtls-up-nocert/x'));
    expect(without.status).toBe(502);
  });

  it('serves an HTTPS listener from the tls settings, with X-Forwarded-Proto https', async () => {
    const echo = await startEchoUpstream();
    const secure = await startGateway({ basePath: '/api', upstream: echo.url }, { tls: { certificate: certs.server.crt, key: certs.server.key } });
    try {
      expect(secure.protocol).toBe('https');
      const res = await httpsGet(secure.url('/api/x'), { ca: certs.ca.crt });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).headers['x-forwarded-proto']).toBe('https');
      const health = await httpsGet(secure.url('/.gatehouse/health'), { ca: certs.ca.crt });
      expect(JSON.parse(health.body).status).toBe('ok');
      await expect(httpsGet(secure.url('/api/x'))).rejects.toThrow(/certificate/i);
    } finally {
      await secure.close();
      await echo.close();
    }
  });

  it('requires a client certificate when the listener asks for mutual TLS, and honours minVersion', async () => {
    const echo = await startEchoUpstream();
    const secure = await startGateway(
      { basePath: '/', upstream: echo.url },
      { tls: { certificate: certs.server.crt, key: certs.server.key, clientCa: certs.ca.crt, requireClientCertificate: true, minVersion: 'TLSv1.3' } },
    );
    try {
      const ok = await httpsGet(secure.url('/x'), { ca: certs.ca.crt, cert: certs.client.crt, key: certs.client.key });
      expect(ok.status).toBe(200);
      await expect(httpsGet(secure.url('/x'), { ca: certs.ca.crt })).rejects.toThrow();
      await expect(httpsGet(secure.url('/x'), { ca: certs.ca.crt, cert: certs.client.crt, key: certs.client.key, maxVersion: 'TLSv1.2' })).rejects.toThrow();
    } finally {
      await secure.close();
      await echo.close();
    }
  });

  it('switches a kept HTTPS listener to a new certificate on reload, and a port from http to https', async () => {
    const echo = await startEchoUpstream();
    const fingerprint = (url: string) =>
      new Promise<string>((resolve, reject) => {
        https
          .get(url, { agent: false, rejectUnauthorized: false }, (res) => {
            resolve((res.socket as TLSSocket).getPeerCertificate().fingerprint256);
            res.resume();
          })
          .on('error', reject);
      });
    const plain = await startGateway({ basePath: '/', upstream: echo.url });
    try {
      expect((await request(plain.url('/x'))).status).toBe(200);
      await plain.apply({ basePath: '/', upstream: echo.url }, { tls: { certificate: certs.server.crt, key: certs.server.key } });
      const secureUrl = `https://127.0.0.1:${plain.port}/x`;
      expect((await httpsGet(secureUrl, { ca: certs.ca.crt })).status).toBe(200);
      await expect(request(plain.url('/x'))).rejects.toThrow();
      const before = await fingerprint(secureUrl);
      await plain.apply({ basePath: '/', upstream: echo.url }, { tls: { certificate: certs.rogue.crt, key: certs.rogue.key } });
      const after = await fingerprint(secureUrl);
      expect(after).not.toBe(before);
      expect(plain.runtime.listenerAddresses()).toEqual([{ host: '127.0.0.1', port: plain.port, protocol: 'https' }]);
    } finally {
      await plain.close();
      await echo.close();
    }
  });

  it('rejects a snapshot with an unusable listener certificate, naming the field', async () => {
    await expect(gateway.apply([{ basePath: '/x', upstream: 'http://127.0.0.1:1' }], { tls: { certificate: 'not a pem', key: 'nope' } })).rejects.toThrow(/listeners\[0\]\.tls/);
    expect((await request(gateway.url('/verified/still'))).status).toBe(200);
  });
});
