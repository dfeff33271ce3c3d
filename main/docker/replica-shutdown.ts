/**
 * Stopping replica containers when Gatehouse quits with the onQuit setting at `stop`: all at
 * once, each given a few seconds to drain, the whole bounded by a deadline so that a slow or
 * hung engine never holds up the quit. What is still stopping then is left to Docker (the
 * stop request has been sent); containers are stopped, not removed, and start with the app.
 */
import type Docker from 'dockerode';
import { engineMessage } from './image-progress';
import type { ReplicaContainer } from './replica-containers';

export interface ReplicaShutdownOptions {
  /** The whole operation, listing included. */
  timeoutMs: number;
  /** Seconds each container gets between SIGTERM and SIGKILL (docker stop -t). */
  graceSeconds?: number;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export interface ReplicaShutdownResult {
  /** Container names, as Docker shows them. */
  stopped: string[];
  failed: { name: string; message: string }[];
  /** Still stopping when the deadline passed. */
  pending: string[];
  timedOut: boolean;
}

const ACTIVE = new Set(['running', 'restarting', 'paused']);

export async function stopReplicaContainers(
  docker: Docker,
  list: () => Promise<ReplicaContainer[]>,
  options: ReplicaShutdownOptions,
): Promise<ReplicaShutdownResult> {
  const { log } = options;
  const result: ReplicaShutdownResult = { stopped: [], failed: [], pending: [], timedOut: false };
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
    timer.unref();
  });

  const work = (async () => {
    const active = (await list()).filter((container) => ACTIVE.has(container.state));
    if (active.length === 0) {
      log('info', 'quit: no Docker gateway replica is running');
      return;
    }
    result.pending = active.map((container) => container.name);
    log('info', `quit: stopping ${active.length} Docker gateway replica${active.length === 1 ? '' : 's'} (Settings → "When Gatehouse quits": stop)`);
    await Promise.all(
      active.map(async (container) => {
        try {
          await docker.getContainer(container.id).stop({ t: options.graceSeconds ?? 5 });
          result.stopped.push(container.name);
          log('info', `quit: stopped ${container.name}`);
        } catch (error) {
          // 304: it had stopped by itself meanwhile.
          if ((error as { statusCode?: number }).statusCode === 304) result.stopped.push(container.name);
          else {
            const message = engineMessage(error);
            result.failed.push({ name: container.name, message });
            log('error', `quit: could not stop ${container.name}: ${message}`);
          }
        } finally {
          result.pending = result.pending.filter((name) => name !== container.name);
        }
      }),
    );
  })().catch((error: unknown) => {
    const message = engineMessage(error);
    result.failed.push({ name: '(listing replicas)', message });
    log('error', `quit: cannot list Docker gateway replicas, leaving them running: ${message}`);
  });

  const outcome = await Promise.race([work.then(() => 'done' as const), deadline]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    result.timedOut = true;
    const still = result.pending.length ? `; still stopping (left to Docker): ${result.pending.join(', ')}` : '; Docker did not answer';
    log('warn', `quit: stopping Docker gateway replicas took longer than ${Math.round(options.timeoutMs / 100) / 10} s${still}`);
  } else if (result.stopped.length > 0 && result.failed.length === 0) {
    log('info', `quit: ${result.stopped.length} Docker gateway replica${result.stopped.length === 1 ? '' : 's'} stopped in ${Date.now() - started} ms`);
  }
  return result;
}

/** True when `work` settles within `ms`, false when the time runs out first (the quit moves on). */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms), false)));
  try {
    return await Promise.race([work.then(() => true as const, () => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
