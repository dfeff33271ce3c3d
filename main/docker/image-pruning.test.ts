/**
 * Pruning old Gatehouse images against the real engine, on images built cheaply from a tiny
 * local `FROM scratch` base under repositories of this run only (so the machine's own gatehouse
 * images are never touched): an older unused gateway image goes, one a container uses stays
 * until the container is gone, images tagged elsewhere or without Gatehouse's label stay,
 * node-base images of old recipes go unless an image is built on them, images younger than the
 * grace stay, and the Docker manager prunes after it started replicas on a new image. Skips
 * (saying why) when no engine answers.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../testing/net';
import { DockerManager } from './docker-manager';
import { createDockerClient, engineConnection, probeDocker } from './engine';
import { GatewayImage } from './gateway-image';
import { followBuild, imageExists } from './image-progress';
import { formatImageSize, IMAGE_LABEL, pruneMessage } from './image-pruning';
import { LABEL_GATEWAY } from './replica-containers';

const docker = createDockerClient(engineConnection());
const engine = await probeDocker(docker, engineConnection().endpoint);
const title = engine.available ? 'image pruning (real engine)' : `image pruning — SKIPPED: ${engine.message}`;

const run = randomBytes(4).toString('hex');
const prefix = `gatehouse-test-${run}`;
const repository = `${prefix}/gateway`;
const nodeBaseRepository = `${prefix}/node-base`;
const tiny = `${prefix}/tiny:1`;
const foreign = `someone/else:${run}`;
const gatewayId = `gw_prune_${run}`;
const root = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-prune-'));
const logs: string[] = [];
const log = (level: string, message: string) => void logs.push(`${level}: ${message}`);

/** A `FROM scratch` image holding one small file (distinct content, distinct image) and no runtime. */
async function buildScratch(tag: string, marker: string, labels: Record<string, string> = {}, entrypoint = ''): Promise<void> {
  const context = mkdtempSync(path.join(os.tmpdir(), 'gatehouse-prune-base-'));
  try {
    writeFileSync(path.join(context, 'Dockerfile'), `FROM scratch\nCOPY marker /marker\n${entrypoint}`);
    writeFileSync(path.join(context, 'marker'), marker);
    await followBuild(docker, await docker.buildImage({ context, src: ['Dockerfile', 'marker'] }, { t: tag, labels, rm: true, forcerm: true }), () => {});
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

/**
 * The project the images are built from: a stand-in replica bundle, and docker/Dockerfile cut to
 * the step that matters (each step of the engine's builder takes about a second here).
 */
function writeBundle(text: string): void {
  writeFileSync(path.join(root, 'dist', 'replica', 'gatehouse-replica.cjs'), `// ${text}\n`);
}

/** Images built seconds apart are pruned here: the 10-minute grace is for other Gatehouse processes. */
function gatewayImage(bundle: string, baseImage = tiny, pruneMinAgeMs = 0): GatewayImage {
  writeBundle(bundle);
  return new GatewayImage(docker, { projectRoot: root, baseImage, repository, nodeBaseRepository, pruneMinAgeMs, log });
}

const exists = (reference: string) => imageExists(docker, reference);

describe.skipIf(!engine.available)(title, () => {
  beforeAll(async () => {
    mkdirSync(path.join(root, 'docker'), { recursive: true });
    mkdirSync(path.join(root, 'dist', 'replica'), { recursive: true });
    writeFileSync(path.join(root, 'docker', 'Dockerfile'), 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY gatehouse-replica.cjs /app/gatehouse-replica.cjs\n');
    await buildScratch(tiny, 'tiny', {}, 'ENTRYPOINT ["node"]\n');
  }, 60_000);

  afterAll(async () => {
    for (const container of await docker.listContainers({ all: true, filters: { label: [`${LABEL_GATEWAY}=${gatewayId}`] } }).catch(() => []))
      await docker.getContainer(container.Id).remove({ force: true }).catch(() => undefined);
    await docker.getContainer(`${prefix}-user`).remove({ force: true }).catch(() => undefined);
    const ours = (await docker.listImages().catch(() => [])).filter((image) => image.RepoTags?.some((tag) => tag.startsWith(`${prefix}/`) || tag === foreign));
    for (const image of ours) for (const tag of image.RepoTags ?? []) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('removes an older unused gateway image, keeps one a container uses, and never touches images tagged or built by others', async () => {
    const used = await gatewayImage('v1').ensure();
    const unused = await gatewayImage('v2').ensure();
    const alsoForeign = await gatewayImage('v3').ensure();
    await docker.getImage(alsoForeign).tag({ repo: 'someone/else', tag: run });
    // In our repository, but not built by Gatehouse (no label): never a candidate.
    await docker.getImage(tiny).tag({ repo: repository, tag: 'manual' });
    const container = await docker.createContainer({ Image: used, name: `${prefix}-user` });

    // With the default grace, images a few seconds old stay (another Gatehouse may be about to start on one).
    writeBundle('v4');
    const graced = new GatewayImage(docker, { projectRoot: root, baseImage: tiny, repository, nodeBaseRepository, log });
    const tag = await graced.ensure();
    expect(new Set([used, unused, alsoForeign, tag]).size).toBe(4);
    expect((await graced.pruneOldImages())!.removed).toEqual([]);
    expect(graced.state.pruned).toBeUndefined();
    expect(await exists(unused)).toBe(true);

    const current = gatewayImage('v4');
    expect(await current.ensure()).toBe(tag); // found, not rebuilt
    const started = Date.now();
    const result = (await current.pruneOldImages())!;
    expect(result.removed.map((image) => image.reference)).toEqual([unused]);
    expect(result.removed[0]).toMatchObject({ kind: 'gateway', bytes: expect.any(Number) });
    for (const kept of [used, alsoForeign, foreign, `${repository}:manual`, tiny, tag]) expect(await exists(kept), kept).toBe(true);
    expect(await exists(unused)).toBe(false);
    expect(result.message).toBe(`removed 1 old gateway image (${formatImageSize(result.bytes)})`);
    expect(current.state.pruned).toEqual({ images: 1, bytes: result.bytes, message: result.message });
    expect(logs).toContain(`info: removed the old image ${unused} (${formatImageSize(result.removed[0]!.bytes)})`);
    expect(logs).toContain(`info: ${result.message}`);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Once per image: the next reconcile pass does not prune again.
    expect(current.pruneOldImages()).toBeUndefined();

    // The container is gone: the next Gatehouse start (the same image, found) removes the image it used.
    await container.remove();
    const again = gatewayImage('v4');
    expect(await again.ensure()).toBe(tag);
    expect((await again.pruneOldImages())!.removed.map((image) => image.reference)).toEqual([used]);
    expect(await exists(alsoForeign)).toBe(true);
  }, 90_000);

  it('removes node-base images of old recipes unless an image is still built on them', async () => {
    const stale = `${nodeBaseRepository}:20.0.0-r1`;
    const parent = `${nodeBaseRepository}:20.0.0-r2`;
    const currentBase = `${nodeBaseRepository}:20.0.0-r3`;
    for (const [tag, marker] of [[stale, 'r1'], [parent, 'r2'], [currentBase, 'r3']] as const) await buildScratch(tag, marker, { [IMAGE_LABEL]: 'node-base' });

    const image = gatewayImage('v5', parent);
    await image.ensure();
    const result = (await image.pruneOldImages())!;
    expect(result.removed.filter((removed) => removed.kind === 'node-base').map((removed) => removed.reference)).toEqual([stale]);
    expect(await exists(stale)).toBe(false);
    expect(await exists(parent)).toBe(true); // the current gateway image is built on it (the engine says 409)
    expect(await exists(currentBase)).toBe(true);
    expect(logs.filter((line) => line.startsWith('warn:'))).toEqual([]);
    expect(result.message).toMatch(/^removed \d+ old gateway images? and 1 old base image \(\d+(\.\d)? MB\)$/);
  }, 60_000);

  it('is started by the Docker manager once replicas were started on a new image, and reported with the docker status', async () => {
    const port = await freePort();
    let statusChanges = 0;
    const manager = (bundle: string) => {
      writeBundle(bundle);
      return new DockerManager({
        instanceId: run,
        docker,
        desired: () => [{ id: gatewayId, name: 'prune', port, host: '127.0.0.1', replicas: 1, running: true }],
        access: async () => ({ token: 'ghr.test.secret', connectUrl: 'http://127.0.0.1:9' }),
        image: { projectRoot: root, baseImage: tiny, repository, nodeBaseRepository, pruneMinAgeMs: 0 },
        reconcileIntervalMs: 60_000,
        onStatusChanged: () => void statusChanges++,
        log,
      });
    };
    const replicaImages = async () => (await docker.listContainers({ all: true, filters: { label: [`${LABEL_GATEWAY}=${gatewayId}`] } })).map((container) => container.Image);

    // The tiny base has no node: replicas are created but cannot start, which is enough to use the image.
    const first = manager('v6');
    await first.start();
    const old = first.image.state.tag!;
    expect(await replicaImages()).toContain(old);
    await first.image.lastPruning; // the images of the tests above
    await first.stop();

    const second = manager('v7');
    statusChanges = 0;
    await second.start();
    const tag = second.image.state.tag!;
    // The manager replaced the replica (a failed start is retried, so allow for none at this instant).
    expect((await replicaImages()).filter((image) => image !== tag)).toEqual([]);
    expect(second.image.lastPruning).toBeDefined();
    await second.image.lastPruning;
    await second.stop();
    expect(second.image.state.pruned?.message).toMatch(/^removed \d+ old gateway images? \(/);
    expect(await exists(old)).toBe(false);
    expect(await exists(tag)).toBe(true);
    expect(statusChanges).toBeGreaterThan(0);
    expect(logs.some((line) => line.startsWith(`info: removed the old image ${old} (`))).toBe(true);
  }, 90_000);
});

describe('prune messages', () => {
  it('count gateway and base images and sum their sizes', () => {
    const image = (kind: 'gateway' | 'node-base', bytes: number) => ({ kind, reference: 'x', id: 'sha256:x', bytes });
    expect(pruneMessage([])).toBe('');
    expect(pruneMessage([image('gateway', 105_000_000)])).toBe('removed 1 old gateway image (105 MB)');
    expect(pruneMessage([image('gateway', 105_000_000), image('gateway', 105_400_000), image('node-base', 104_000_000)])).toBe('removed 2 old gateway images and 1 old base image (314 MB)');
    expect(pruneMessage([image('node-base', 2_500_000_000)])).toBe('removed 1 old base image (2.5 GB)');
    expect(formatImageSize(1_234_567)).toBe('1.2 MB');
  });
});
