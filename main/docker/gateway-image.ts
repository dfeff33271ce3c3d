/**
 * The gateway replica image: docker/Dockerfile + the one-file replica bundle, built through the
 * engine with progress. Base image: GATEHOUSE_GATEWAY_BASE_IMAGE or the configured one (default
 * `node:20-slim`), pulled when missing; when that fails (offline, no registry) the image is
 * built on a base made from the local Node runtime, and the state says so. The tag is a hash of
 * what went in, so an unchanged build is found instead of rebuilt. Once replicas run on it, the
 * images older builds left behind are pruned (image-pruning.ts).
 */
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { engineMessage, followBuild, imageExists, pullImage, type ImageStage } from './image-progress';
import { pruneOldImages, type PruneResult } from './image-pruning';
import { ensureLocalNodeBase, isCurrentNodeBaseTag, NODE_BASE_REPOSITORY } from './node-base';

export const DEFAULT_BASE_IMAGE = 'node:20-slim';
export const GATEWAY_REPOSITORY = 'gatehouse/gateway';
const BUNDLE_PATH = 'dist/replica/gatehouse-replica.cjs';

export interface ImageState {
  status: 'idle' | 'building' | 'ready' | 'failed';
  tag?: string;
  /** The base actually used. */
  base?: string;
  /** `configured`: the configured base image; `local-runtime`: built from this machine's Node. */
  baseSource?: 'configured' | 'local-runtime';
  message: string;
  /** The newest build/pull output lines. */
  lines: string[];
  /** Old Gatehouse images removed after this one was ready (absent when none were). */
  pruned?: { images: number; bytes: number; message: string };
}

export interface GatewayImageOptions {
  /** The repository checkout or install dir holding docker/Dockerfile (found from here when absent). */
  projectRoot?: string;
  baseImage?: string;
  env?: NodeJS.ProcessEnv;
  onProgress?: (stage: ImageStage, line: string) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Repositories of the images built and pruned here (tests use their own). */
  repository?: string;
  nodeBaseRepository?: string;
  /** Old gateway images younger than this are not pruned (default 10 minutes). */
  pruneMinAgeMs?: number;
}

/** The directory above `start` that holds docker/Dockerfile. */
export function findProjectRoot(start: string = typeof __dirname === 'string' ? __dirname : process.cwd()): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'docker', 'Dockerfile'))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  return existsSync(path.join(process.cwd(), 'docker', 'Dockerfile')) ? process.cwd() : undefined;
}

/**
 * The replica bundle: rebuilt from source when this is a source checkout with esbuild (so the
 * image never runs stale code), else the shipped dist/replica/gatehouse-replica.cjs.
 */
export async function replicaBundle(root: string): Promise<Buffer> {
  const shipped = path.join(root, BUNDLE_PATH);
  const script = path.join(root, 'scripts', 'replica-build.mjs');
  if (existsSync(path.join(root, 'main', 'cli', 'replica-entry.ts')) && existsSync(script)) {
    try {
      const builder = (await import(/* @vite-ignore */ pathToFileURL(script).href)) as { bundleReplica(root: string): Promise<string> };
      const text = Buffer.from(await builder.bundleReplica(root));
      if (!existsSync(shipped) || !readFileSync(shipped).equals(text)) {
        mkdirSync(path.dirname(shipped), { recursive: true });
        const temporary = `${shipped}.${process.pid}.tmp`;
        writeFileSync(temporary, text);
        renameSync(temporary, shipped);
      }
      return text;
    } catch (error) {
      if (!existsSync(shipped)) throw new Error(`cannot bundle the replica (${(error as Error).message}); run \`node scripts/build.mjs --all\``);
    }
  }
  if (!existsSync(shipped)) throw new Error(`${BUNDLE_PATH} is missing; run \`node scripts/build.mjs --all\``);
  return readFileSync(shipped);
}

export class GatewayImage {
  private stateValue: ImageState = { status: 'idle', message: 'the gateway image is built when the first docker gateway starts', lines: [] };
  private building: Promise<string> | undefined;
  private resolvedBase: { image: string; source: 'configured' | 'local-runtime' } | undefined;
  private pruning: { tag: string; done: Promise<PruneResult | undefined> } | undefined;

  constructor(
    private readonly docker: Docker,
    private readonly options: GatewayImageOptions = {},
  ) {}

  get state(): ImageState {
    return { ...this.stateValue, lines: [...this.stateValue.lines] };
  }

  get configuredBase(): string {
    return this.options.env?.GATEHOUSE_GATEWAY_BASE_IMAGE?.trim() || this.options.baseImage || DEFAULT_BASE_IMAGE;
  }

  /** The image tag to run, building it when needed. Concurrent callers share one build. */
  ensure(): Promise<string> {
    if (this.stateValue.status === 'ready' && this.stateValue.tag) return Promise.resolve(this.stateValue.tag);
    this.building ??= this.build().finally(() => {
      this.building = undefined;
    });
    return this.building;
  }

  private progress(stage: ImageStage, line: string): void {
    const lines = this.stateValue.lines;
    lines.push(line);
    if (lines.length > 50) lines.splice(0, lines.length - 50);
    this.options.onProgress?.(stage, line);
  }

  private async build(): Promise<string> {
    this.stateValue = { status: 'building', message: 'building the gateway image…', lines: [] };
    try {
      const root = this.options.projectRoot ?? findProjectRoot();
      if (!root) throw new Error('docker/Dockerfile was not found next to the app; reinstall Gatehouse');
      this.progress('bundle', 'bundling the replica');
      const bundle = await replicaBundle(root);
      const dockerfile = readFileSync(path.join(root, 'docker', 'Dockerfile'));
      const base = await this.resolveBase();
      const baseId = (await this.docker.getImage(base.image).inspect()).Id;
      const tag = `${this.options.repository ?? GATEWAY_REPOSITORY}:${createHash('sha256').update(dockerfile).update(bundle).update(baseId).digest('hex').slice(0, 12)}`;
      if (!(await imageExists(this.docker, tag))) {
        this.progress('build', `building ${tag} on ${base.image}`);
        const context = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-image-'));
        try {
          writeFileSync(path.join(context, 'Dockerfile'), dockerfile);
          writeFileSync(path.join(context, 'gatehouse-replica.cjs'), bundle);
          const stream = await this.docker.buildImage(
            { context, src: ['Dockerfile', 'gatehouse-replica.cjs'] },
            { t: tag, buildargs: { BASE_IMAGE: base.image }, labels: { 'dev.gatehouse.image': 'gateway' }, rm: true, forcerm: true },
          );
          await followBuild(this.docker, stream, (line) => this.progress('build', line));
        } finally {
          rmSync(context, { recursive: true, force: true });
        }
      }
      const how = base.source === 'local-runtime' ? `on ${base.image}, made from the local Node runtime because ${this.configuredBase} could not be pulled` : `on ${base.image}`;
      this.stateValue = { status: 'ready', tag, base: base.image, baseSource: base.source, message: `gateway image ${tag} ready (${how})`, lines: this.stateValue.lines };
      this.options.log?.('info', this.stateValue.message);
      this.options.onProgress?.('build', this.stateValue.message);
      return tag;
    } catch (error) {
      const message = `the gateway image could not be built: ${engineMessage(error)}`;
      this.stateValue = { status: 'failed', message, lines: this.stateValue.lines };
      this.options.log?.('error', message);
      this.options.onProgress?.('build', message);
      throw new Error(message);
    }
  }

  /**
   * Removes the images older builds left behind that nothing uses any more, once per ready tag
   * (undefined when not ready or already done). Call it after the replicas were started on the
   * current image. Never rejects: a problem is a warning and leaves the images in place.
   */
  pruneOldImages(): Promise<PruneResult | undefined> | undefined {
    const tag = this.stateValue.status === 'ready' ? this.stateValue.tag : undefined;
    if (!tag || this.pruning?.tag === tag) return undefined;
    const log = this.options.log ?? (() => {});
    const done = pruneOldImages(this.docker, {
      current: tag,
      gatewayRepository: this.options.repository ?? GATEWAY_REPOSITORY,
      nodeBaseRepository: this.options.nodeBaseRepository ?? NODE_BASE_REPOSITORY,
      keepNodeBase: isCurrentNodeBaseTag,
      minAgeMs: this.options.pruneMinAgeMs ?? 10 * 60_000,
      log,
    }).then(
      (result) => {
        if (result.removed.length && this.stateValue.tag === tag) this.stateValue = { ...this.stateValue, pruned: { images: result.removed.length, bytes: result.bytes, message: result.message } };
        return result;
      },
      (error: unknown) => {
        log('warn', `old gateway images were not removed: ${engineMessage(error)}`);
        return undefined;
      },
    );
    this.pruning = { tag, done };
    return done;
  }

  /** The pruning pass started last, if any (nothing waits for it; tests do). */
  get lastPruning(): Promise<PruneResult | undefined> | undefined {
    return this.pruning?.done;
  }

  /** The configured base when present or pullable, else the local-runtime base. Decided once per process. */
  private async resolveBase(): Promise<{ image: string; source: 'configured' | 'local-runtime' }> {
    if (this.resolvedBase) return this.resolvedBase;
    const configured = this.configuredBase;
    if (await imageExists(this.docker, configured)) return (this.resolvedBase = { image: configured, source: 'configured' });
    this.progress('pull', `pulling ${configured}`);
    try {
      await pullImage(this.docker, configured, (line) => this.progress('pull', line));
      return (this.resolvedBase = { image: configured, source: 'configured' });
    } catch (error) {
      const why = engineMessage(error);
      this.options.log?.('warn', `cannot pull ${configured} (${why}); building the gateway image on the local Node runtime instead`);
      this.progress('pull', `cannot pull ${configured}: ${why}; using the local Node runtime as the base`);
      const image = await ensureLocalNodeBase(this.docker, (stage, line) => this.progress(stage, line));
      return (this.resolvedBase = { image, source: 'local-runtime' });
    }
  }
}
