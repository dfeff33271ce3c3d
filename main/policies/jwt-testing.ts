/**
 * Test support for JWT policies: key pairs for every JWS algorithm, a signer (Node's crypto,
 * base64url through Buffer), and a JWKS server on a real port that counts its fetches and can
 * be told to fail. For tests, not product code.
 */
import { constants, createHmac, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { startServer, type TestServer } from '../testing/net';

export type TestKey = { alg: string; kid?: string } & ({ secret: string } | { privateKey: KeyObject; publicKey: KeyObject; publicPem: string });

/** A fresh key for `alg` (HS*, RS*, PS*, ES*, EdDSA). */
export function testKey(alg: string, kid?: string): TestKey {
  if (alg.startsWith('HS')) return { alg, kid, secret: randomBytes(Number(alg.slice(2)) / 8).toString('base64url') };
  const pair =
    alg.startsWith('RS') || alg.startsWith('PS')
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : alg === 'EdDSA'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg]! });
  return { alg, kid, privateKey: pair.privateKey, publicKey: pair.publicKey, publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS. `header` overrides or adds header fields (`alg` included, to lie about it). */
export function signJwt(key: TestKey, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const head = { alg: key.alg, typ: 'JWT', ...(key.kid ? { kid: key.kid } : {}), ...header };
  const input = `${part(head)}.${part(claims)}`;
  return `${input}.${signature(key, input).toString('base64url')}`;
}

function signature(key: TestKey, input: string): Buffer {
  const data = Buffer.from(input);
  if ('secret' in key) return createHmac(`sha${key.alg.slice(2)}`, key.secret).update(data).digest();
  const hash = key.alg === 'EdDSA' ? null : `sha${key.alg.slice(2)}`;
  if (key.alg.startsWith('PS')) return sign(hash, data, { key: key.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  if (key.alg.startsWith('ES')) return sign(hash, data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return sign(hash, data, key.privateKey);
}

/** An HS* token whose HMAC secret is any text (the classic "public key as secret" forgery). */
export function signHmacWith(secret: string, alg: string, claims: Record<string, unknown>, header: Record<string, unknown> = {}): string {
  const input = `${part({ alg, typ: 'JWT', ...header })}.${part(claims)}`;
  return `${input}.${createHmac(`sha${alg.slice(2)}`, secret).update(input).digest('base64url')}`;
}

/** The public JWK of a key, with `kid`, `alg` and any extra members (use, key_ops). */
export function publicJwk(key: TestKey, extra: Record<string, unknown> = {}): Record<string, unknown> {
  if ('secret' in key) throw new Error('an HMAC secret has no public JWK');
  return { ...key.publicKey.export({ format: 'jwk' }), ...(key.kid ? { kid: key.kid } : {}), alg: key.alg, ...extra };
}

export interface JwksServer extends TestServer {
  /** Number of GETs answered (or refused) so far. */
  readonly fetches: number;
  /** The keys served from now on. */
  setKeys(keys: Record<string, unknown>[]): void;
  /** While true, every fetch gets a 503. */
  failing: boolean;
}

export async function startJwksServer(keys: Record<string, unknown>[]): Promise<JwksServer> {
  let served = keys;
  let fetches = 0;
  const state = { failing: false };
  const server = await startServer((_req, res) => {
    fetches += 1;
    if (state.failing) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: served }));
  });
  return {
    ...server,
    get fetches() {
      return fetches;
    },
    setKeys(next: Record<string, unknown>[]) {
      served = next;
    },
    get failing() {
      return state.failing;
    },
    set failing(value: boolean) {
      state.failing = value;
    },
  };
}

/** Seconds since the epoch, `offset` seconds from now (exp/nbf with large margins). */
export function epoch(offset = 0): number {
  return Math.floor(Date.now() / 1000) + offset;
}
