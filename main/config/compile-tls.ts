/**
 * Flex's `tls` (listener) and `tls-outbound` (upstream) policy configs → snapshot TLS settings.
 * Certificate values are PEM text or a file path relative to the config file that declared
 * them; files are read here so the snapshot carries PEM and the data plane never reads files.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSecureContext } from 'node:tls';
import type { ListenerTlsSnapshot, UpstreamTlsSnapshot } from '../gateway/snapshot';
import { formatFieldPath, type ConfigError } from './errors';
import { describeFsError } from './yaml-source';

export interface TlsSource {
  /** The file that declared the binding; relative paths resolve against its directory. */
  file: string;
  lineOf(path: readonly PropertyKey[]): number;
  /** Path of the binding's `config` in that file, e.g. `['spec', 'policies', 2, 'config']`. */
  base: readonly (string | number)[];
}

type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

/** Reads PEM values (inline or from files); every unreadable file is an error naming its field. */
class PemReader {
  constructor(
    private readonly source: TlsSource,
    private readonly errors: ConfigError[],
  ) {}

  read(value: unknown, field: readonly (string | number)[]): string | undefined {
    if (typeof value !== 'string' || value.trim() === '') return undefined;
    if (value.includes('-----BEGIN')) return value;
    const fullField = [...this.source.base, ...field];
    const file = path.resolve(path.dirname(this.source.file), value);
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      this.errors.push({
        file: this.source.file,
        line: this.source.lineOf(fullField),
        field: formatFieldPath(fullField),
        message: `cannot read ${file}: ${describeFsError(error)}`,
      });
      return undefined;
    }
  }

  error(field: readonly (string | number)[], message: string): void {
    const fullField = [...this.source.base, ...field];
    this.errors.push({ file: this.source.file, line: this.source.lineOf(fullField), field: formatFieldPath(fullField), message });
  }
}

function tlsVersion(value: unknown): TlsVersion | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).replace(/^TLSv?/i, '');
  if (text === '1.2') return 'TLSv1.2';
  if (text === '1.3') return 'TLSv1.3';
  return undefined;
}

function stringList(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string' && value) return value.split(/[,:]\s*/).filter(Boolean);
  return undefined;
}

function copyCommon<T extends { minVersion?: TlsVersion; maxVersion?: TlsVersion; alpn?: string[]; ciphers?: string[] }>(config: Record<string, unknown>, out: T): T {
  // Flex spells them `minversion` / `maxversion`.
  const minVersion = tlsVersion(config.minversion ?? config.minVersion);
  const maxVersion = tlsVersion(config.maxversion ?? config.maxVersion);
  if (minVersion) out.minVersion = minVersion;
  if (maxVersion) out.maxVersion = maxVersion;
  const alpn = stringList(config.alpn);
  const ciphers = stringList(config.ciphers);
  if (alpn) out.alpn = alpn;
  if (ciphers) out.ciphers = ciphers;
  return out;
}

/** `tls` (inbound): the listener's certificate, key and client-certificate settings. */
export function listenerTls(config: Record<string, unknown>, source: TlsSource, errors: ConfigError[]): ListenerTlsSnapshot | undefined {
  const before = errors.length;
  const reader = new PemReader(source, errors);
  const certificate = (config.certificate ?? {}) as Record<string, unknown>;
  const crt = reader.read(certificate.crt, ['certificate', 'crt']);
  const key = reader.read(certificate.key, ['certificate', 'key']);
  if (certificate.crt === undefined) reader.error(['certificate', 'crt'], 'required: a PEM certificate or a path to one');
  if (certificate.key === undefined) reader.error(['certificate', 'key'], 'required: a PEM private key or a path to one');
  const clientCa = reader.read(config.trustedCA, ['trustedCA']);
  if (errors.length > before || !crt || !key) return undefined;
  const tls: ListenerTlsSnapshot = { certificate: crt, key };
  if (clientCa) tls.clientCa = clientCa;
  if (config.requireClientCertificate === true) tls.requireClientCertificate = true;
  copyCommon(config, tls);
  try {
    // Catches a key that does not match its certificate, or unparsable PEM, at load time.
    createSecureContext({ cert: tls.certificate, key: tls.key, ca: tls.clientCa });
  } catch (error) {
    // OpenSSL prefixes its reason with codes (`error:05800074:x509 certificate routines::`).
    reader.error(['certificate'], `unusable certificate or key: ${(error as Error).message.replace(/^error:[0-9A-Fa-f]+:[^:]*::?/, '')}`);
    return undefined;
  }
  return tls;
}

/** `tls-outbound`: trust, client certificate and (loudly) skipValidation for one upstream. */
export function upstreamTls(config: Record<string, unknown>, source: TlsSource, errors: ConfigError[]): UpstreamTlsSnapshot | undefined {
  const before = errors.length;
  const reader = new PemReader(source, errors);
  const tls: UpstreamTlsSnapshot = {};
  if (config.skipValidation === true) tls.skipValidation = true;
  const trustedCA = reader.read(config.trustedCA, ['trustedCA']);
  if (trustedCA) tls.trustedCA = trustedCA;
  const certificate = config.certificate as Record<string, unknown> | undefined;
  if (certificate && (certificate.crt !== undefined || certificate.key !== undefined)) {
    const crt = reader.read(certificate.crt, ['certificate', 'crt']);
    const key = reader.read(certificate.key, ['certificate', 'key']);
    if (certificate.crt === undefined) reader.error(['certificate', 'crt'], 'required with certificate.key');
    if (certificate.key === undefined) reader.error(['certificate', 'key'], 'required with certificate.crt');
    if (crt && key) tls.certificate = { crt, key };
  }
  copyCommon(config, tls);
  return errors.length > before ? undefined : tls;
}

/** Two listener TLS settings are the same context when every field matches. */
export function sameListenerTls(a: ListenerTlsSnapshot, b: ListenerTlsSnapshot): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
