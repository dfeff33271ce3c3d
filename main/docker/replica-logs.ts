/**
 * Replica logs: the engine's multiplexed stdout/stderr stream (containers run without a TTY)
 * as lines, recent ones at once or followed live.
 */
import type Docker from 'dockerode';

export interface LogLine {
  stream: 'stdout' | 'stderr';
  /** ISO time from the engine. */
  at: string;
  text: string;
}

/** Splits the engine's 8-byte-header frames; returns the lines and any incomplete tail. */
export function demuxFrames(buffer: Buffer): { lines: LogLine[]; rest: Buffer } {
  const lines: LogLine[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    if (offset + 8 + size > buffer.length) break;
    const payload = buffer.subarray(offset + 8, offset + 8 + size).toString('utf8');
    offset += 8 + size;
    for (const raw of payload.split('\n')) {
      if (raw === '') continue;
      // With `timestamps: true` every line starts with an RFC 3339 time and a space.
      const space = raw.indexOf(' ');
      const at = space > 0 && /^\d{4}-\d\d-\d\dT/.test(raw) ? raw.slice(0, space) : '';
      lines.push({ stream: type === 2 ? 'stderr' : 'stdout', at, text: at ? raw.slice(space + 1) : raw });
    }
  }
  return { lines, rest: buffer.subarray(offset) };
}

export async function recentLogs(docker: Docker, containerId: string, tail = 200): Promise<LogLine[]> {
  const output = (await docker.getContainer(containerId).logs({ stdout: true, stderr: true, timestamps: true, tail, follow: false })) as unknown as Buffer;
  return demuxFrames(Buffer.isBuffer(output) ? output : Buffer.from(output)).lines;
}

/** Follows a container's log; returns a function that stops following. */
export async function followLogs(docker: Docker, containerId: string, onLine: (line: LogLine) => void, tail = 50): Promise<() => void> {
  const stream = (await docker.getContainer(containerId).logs({ stdout: true, stderr: true, timestamps: true, tail, follow: true })) as NodeJS.ReadableStream & { destroy?: () => void };
  let pending: Buffer = Buffer.alloc(0);
  stream.on('data', (chunk: Buffer) => {
    const { lines, rest } = demuxFrames(Buffer.concat([pending, chunk]));
    pending = Buffer.from(rest);
    for (const line of lines) onLine(line);
  });
  stream.on('error', () => undefined);
  return () => stream.destroy?.();
}
