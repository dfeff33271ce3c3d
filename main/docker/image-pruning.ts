/**
 * Removing the images older Gatehouse builds left behind: every change to the replica bundle or
 * the Dockerfile tags a new `gatehouse/gateway:<hash>`, and a new base recipe a new
 * `gatehouse/node-base:<node version>-<recipe>`, each a few hundred MB on a developer's engine.
 * Candidates carry Gatehouse's image label and only tags of the pruned repository, so an image
 * someone else tagged or built is never one. Removal is by image ID and never forced: the engine
 * refuses (409) an image a container or a dependent image still needs, and that means "keep it".
 */
import type Docker from 'dockerode';
import { engineMessage } from './image-progress';

/** Set on every image Gatehouse builds: `gateway` or `node-base`. */
export const IMAGE_LABEL = 'dev.gatehouse.image';

export interface PruneRequest {
  /** The gateway image in use now (`repository:tag`): kept, and only images no newer than it go. */
  current: string;
  gatewayRepository: string;
  nodeBaseRepository: string;
  /** Node-base tags (the part after `:`) still wanted: the current recipe. */
  keepNodeBase(tag: string): boolean;
  /** Gateway images younger than this stay: another Gatehouse on this engine may just have built one to start on. */
  minAgeMs: number;
  log?(level: 'info' | 'warn', message: string): void;
}

export interface RemovedImage {
  kind: 'gateway' | 'node-base';
  /** Its tags, comma-separated. */
  reference: string;
  id: string;
  /** The size `docker images` shows (shared base layers included). */
  bytes: number;
}

export interface PruneResult {
  removed: RemovedImage[];
  bytes: number;
  /** "removed 2 old gateway images (210 MB)"; empty when nothing was removed. */
  message: string;
}

/** `105 MB`, `1.4 GB` (decimal units, as `docker images` shows them). */
export function formatImageSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  return bytes >= 1e7 ? `${Math.round(bytes / 1e6)} MB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

export function pruneMessage(removed: RemovedImage[]): string {
  if (!removed.length) return '';
  const count = (n: number, what: string) => `${n} old ${what} image${n === 1 ? '' : 's'}`;
  const gateways = removed.filter((image) => image.kind === 'gateway').length;
  const bases = removed.length - gateways;
  const what = [gateways ? count(gateways, 'gateway') : '', bases ? count(bases, 'base') : ''].filter(Boolean).join(' and ');
  return `removed ${what} (${formatImageSize(removed.reduce((sum, image) => sum + image.bytes, 0))})`;
}

/** Tagged images of `repository` with Gatehouse's label of `kind` and no tag elsewhere. */
function ownImages(images: Docker.ImageInfo[], repository: string, kind: RemovedImage['kind']): Docker.ImageInfo[] {
  return images.filter((image) => {
    const tags = image.RepoTags ?? [];
    return image.Labels?.[IMAGE_LABEL] === kind && tags.length > 0 && tags.every((tag) => tag.startsWith(`${repository}:`));
  });
}

/** Removes older gateway images, then node-base images of old recipes, that nothing uses. Throws only when the engine cannot list. */
export async function pruneOldImages(docker: Docker, request: PruneRequest): Promise<PruneResult> {
  const log = request.log ?? (() => {});
  const removed: RemovedImage[] = [];
  const used = new Set((await docker.listContainers({ all: true })).map((container) => container.ImageID));

  const remove = async (image: Docker.ImageInfo, kind: RemovedImage['kind']): Promise<void> => {
    const reference = (image.RepoTags ?? []).join(', ');
    try {
      await docker.getImage(image.Id).remove();
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      // 409: a container or a dependent image still needs it; 404: removed meanwhile (another Gatehouse).
      if (status !== 409 && status !== 404) log('warn', `cannot remove the old image ${reference}: ${engineMessage(error)}`);
      return;
    }
    removed.push({ kind, reference, id: image.Id, bytes: image.Size });
    log('info', `removed the old image ${reference} (${formatImageSize(image.Size)})`);
  };

  const images = await docker.listImages();
  const current = images.find((image) => image.RepoTags?.includes(request.current));
  // `Created` is in seconds.
  const newest = current ? Math.min(current.Created, (Date.now() - request.minAgeMs) / 1000) : -1;
  for (const image of ownImages(images, request.gatewayRepository, 'gateway'))
    if (image.Id !== current?.Id && image.Created <= newest && !used.has(image.Id)) await remove(image, 'gateway');
  // Listed again: the gateway images just removed may have been the last ones built on an old base.
  for (const image of ownImages(await docker.listImages(), request.nodeBaseRepository, 'node-base')) {
    const wanted = (image.RepoTags ?? []).some((tag) => request.keepNodeBase(tag.slice(request.nodeBaseRepository.length + 1)));
    if (!wanted && !used.has(image.Id)) await remove(image, 'node-base');
  }

  const message = pruneMessage(removed);
  if (message) log('info', message);
  return { removed, bytes: removed.reduce((sum, image) => sum + image.bytes, 0), message };
}
