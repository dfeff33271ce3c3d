/**
 * A base image made from the local Node runtime, for machines where `node:20-slim` cannot be
 * pulled (offline, or no registry reachable, as in CI here): the node binary, the shared
 * libraries `ldd` lists, the CA bundle, a minimal /etc/passwd with the `node` user and /tmp,
 * built `FROM scratch` through the engine. Linux only (the binary must be a Linux one).
 * Cached by its tag `gatehouse/node-base:<node version>-<recipe>`; the recipe number changes
 * whenever the image's layout does, so an old base is not reused.
 */
import type Docker from 'dockerode';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { followBuild, imageExists, type ProgressListener } from './image-progress';

export const NODE_BASE_REPOSITORY = 'gatehouse/node-base';
const BASE_RECIPE = 'r3';

/** Whether a node-base tag (`<node version>-<recipe>`) is of the current recipe; older ones are pruned. */
export function isCurrentNodeBaseTag(tag: string): boolean {
  return tag.endsWith(`-${BASE_RECIPE}`);
}

/** The node binary to copy: `node` on PATH, else this process's own binary when it is node. */
export function localNodeBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'node');
    if (existsSync(candidate)) return realpathSync(candidate);
  }
  return path.basename(process.execPath).startsWith('node') ? process.execPath : undefined;
}

/** Shared libraries of a binary as `ldd` lists them (the paths the loader will look at). */
export function sharedLibraries(binary: string): string[] {
  const result = spawnSync('ldd', [binary], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ldd ${binary} failed: ${(result.stderr || result.error?.message || '').trim()}`);
  const libraries: string[] = [];
  for (const line of result.stdout.split('\n')) {
    // `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)` or `/lib64/ld-linux-x86-64.so.2 (0x…)`
    const match = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (match) libraries.push(match[1]!);
  }
  return libraries;
}

function nodeVersion(binary: string): string {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  const version = result.stdout?.trim();
  if (result.status !== 0 || !/^v\d+\.\d+\.\d+/.test(version ?? '')) throw new Error(`cannot run ${binary} --version`);
  return version!.slice(1);
}

/** Copies a file into the image tree, hard-linking when possible (vfs and big binaries). */
function place(source: string, root: string, target: string): void {
  const destination = path.join(root, target);
  mkdirSync(path.dirname(destination), { recursive: true });
  if (existsSync(destination)) return;
  const real = realpathSync(source);
  try {
    linkSync(real, destination);
  } catch {
    copyFileSync(real, destination);
  }
  chmodSync(destination, statSync(real).mode & 0o777);
}

/** Builds (or finds) the local-runtime base image; resolves with its tag. */
export async function ensureLocalNodeBase(docker: Docker, onProgress: ProgressListener = () => {}): Promise<string> {
  if (process.platform !== 'linux') throw new Error('a base image from the local Node runtime can only be made on Linux; make node:20-slim pullable or set GATEHOUSE_GATEWAY_BASE_IMAGE to an image you have');
  const binary = localNodeBinary();
  if (!binary) throw new Error('no Linux node binary found on PATH to build a base image from');
  const tag = `${NODE_BASE_REPOSITORY}:${nodeVersion(binary)}-${BASE_RECIPE}`;
  if (await imageExists(docker, tag)) return tag;

  onProgress('base', `building ${tag} from the local Node runtime (${binary})`);
  const context = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-node-base-'));
  try {
    const root = path.join(context, 'rootfs');
    place(binary, root, 'usr/local/bin/node');
    for (const library of sharedLibraries(binary)) place(library, root, library);
    const caBundle = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'].find((file) => existsSync(file));
    if (caBundle) place(caBundle, root, 'etc/ssl/certs/ca-certificates.crt');
    mkdirSync(path.join(root, 'etc'), { recursive: true });
    writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnode:x:1000:1000:node:/home/node:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n');
    writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n');
    mkdirSync(path.join(root, 'app'), { recursive: true });
    mkdirSync(path.join(context, 'empty'));
    // The build context's tar drops the sticky and world-write bits, so the writable places are
    // created by COPY --chown for the node user instead (the gateway image runs as node and
    // caches its config in /tmp).
    writeFileSync(
      path.join(context, 'Dockerfile'),
      'FROM scratch\nCOPY rootfs/ /\nCOPY --chown=1000:1000 empty/ /tmp/\nCOPY --chown=1000:1000 empty/ /home/node/\nENV PATH=/usr/local/bin:/usr/bin:/bin\n',
    );
    const stream = await docker.buildImage({ context, src: ['Dockerfile', 'rootfs', 'empty'] }, { t: tag, labels: { 'dev.gatehouse.image': 'node-base' } });
    await followBuild(docker, stream, (line) => onProgress('base', line));
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return tag;
}
