/**
 * What makes an export portable: the values that belong to the instance, not to the setup.
 * The built-in gateway's port and paths inside the data dir are written as
 * `${VARIABLE:-current value}`; an import fills the variables with the receiving instance's
 * own port and data dir, so the file lands on another instance (other ports, other data dir)
 * without edits, and `gatehouse gateway --config` still runs it with the defaults.
 */
import { referenceWithDefault, type Env } from '../config/env';
import type { Store } from '../store/store';

export const GATEWAY_PORT_VARIABLE = 'GATEHOUSE_GATEWAY_PORT';
export const DATA_DIR_VARIABLE = 'GATEHOUSE_DATA_DIR';

/** Collects the `${VARIABLE:-default}` texts written, so the YAML writer leaves them unescaped. */
export class PortableValues {
  readonly texts = new Set<string>();

  constructor(private readonly dataDir: string | undefined) {}

  /** The embedded gateway's port as a reference. */
  gatewayPort(port: number): string {
    return this.keep(referenceWithDefault(GATEWAY_PORT_VARIABLE, String(port)));
  }

  /** `http://127.0.0.1:${GATEHOUSE_GATEWAY_PORT:-8081}/orders/` */
  address(prefix: string, port: number, path: string): string {
    return this.keep(`${prefix}${referenceWithDefault(GATEWAY_PORT_VARIABLE, String(port))}${path}`);
  }

  /** Strings naming a path inside the data dir, anywhere in `value`, become `${GATEHOUSE_DATA_DIR:-…}/rest`. */
  paths<T>(value: T): T {
    const dir = this.dataDir;
    if (dir === undefined || dir.includes('}') || dir.includes('$')) return value;
    const walk = (node: unknown): unknown => {
      if (typeof node === 'string') {
        if (node !== dir && !node.startsWith(`${dir}/`)) return node;
        return this.keep(`${referenceWithDefault(DATA_DIR_VARIABLE, dir)}${node.slice(dir.length)}`);
      }
      if (Array.isArray(node)) return node.map(walk);
      if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child)]));
      return node;
    };
    return walk(value) as T;
  }

  private keep(text: string): string {
    this.texts.add(text);
    return text;
  }
}

/**
 * The variables an import into this instance starts from: its own gateway port and data dir.
 * The process environment may override the port; the data dir is always this instance's.
 */
export function instanceEnv(store: Store, dataDir: string | undefined, processEnv: Env = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  const port = store.embeddedGateway()?.port;
  if (port !== undefined) env[GATEWAY_PORT_VARIABLE] = String(port);
  for (const [key, value] of Object.entries(processEnv)) if (value !== undefined) env[key] = value;
  if (dataDir !== undefined) env[DATA_DIR_VARIABLE] = dataDir;
  return env;
}

/**
 * Everything an import into this instance resolves `${VARIABLE}`s from, weakest first: values
 * an export of this store references (export, edit, import back), this instance's port and
 * data dir with the process environment, then the chosen environment's variables.
 */
export function importEnv(store: Store, dataDir: string | undefined, secretFallbacks: Record<string, string>, environment: Record<string, string> = {}, processEnv: Env = process.env): Record<string, string> {
  return { ...secretFallbacks, ...instanceEnv(store, dataDir, processEnv), ...environment };
}
