/**
 * Engine build and pull output as readable lines (what the UI shows while an image is made),
 * and the errors in that output as thrown Errors.
 */
import type Docker from 'dockerode';

export type ImageStage = 'bundle' | 'base' | 'pull' | 'build';
export type ProgressListener = (stage: ImageStage, line: string) => void;

interface ProgressEvent {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
}

export async function imageExists(docker: Docker, reference: string): Promise<boolean> {
  try {
    await docker.getImage(reference).inspect();
    return true;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return false;
    throw error;
  }
}

/** Follows a build or pull stream to its end; every message becomes a line, an `error` a rejection. */
export function followBuild(docker: Docker, stream: NodeJS.ReadableStream, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: string | undefined;
    docker.modem.followProgress(
      stream,
      (error: Error | null) => {
        if (error) reject(error);
        else if (failure) reject(new Error(failure));
        else resolve();
      },
      (event: ProgressEvent) => {
        if (event.error) failure = event.errorDetail?.message ?? event.error;
        const text = event.error ?? event.stream ?? [event.id, event.status, event.progress].filter(Boolean).join(' ');
        for (const line of text.split('\n')) if (line.trim()) onLine(line.trimEnd());
      },
    );
  });
}

/** Pulls `reference`; rejects when it cannot (no registry, unknown image) or when nothing moves for `stallMs`. */
export async function pullImage(docker: Docker, reference: string, onLine: (line: string) => void, stallMs = 30_000): Promise<void> {
  const abort = new AbortController();
  let timer = setTimeout(() => abort.abort(), stallMs);
  try {
    const stream = (await docker.pull(reference, { abortSignal: abort.signal })) as NodeJS.ReadableStream;
    await followBuild(docker, stream, (line) => {
      clearTimeout(timer);
      timer = setTimeout(() => abort.abort(), stallMs);
      onLine(line);
    });
  } catch (error) {
    if (abort.signal.aborted) throw new Error(`pulling ${reference} made no progress for ${stallMs / 1000} s`);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** The first line of an engine error, without dockerode's "(HTTP code …)" prefix noise. */
export function engineMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } }).json;
  const text = json?.message ?? (error as Error)?.message ?? String(error);
  return text.replace(/^\(HTTP code \d+\)[^-]*- /, '').split('\n')[0]!.trim();
}
