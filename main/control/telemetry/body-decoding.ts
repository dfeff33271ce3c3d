/**
 * Content-encoded bodies decoded for display and export. Bodies are stored as they went
 * through; decoding happens here, on request, with the output cut at a cap: a few kilobytes of
 * gzip can inflate to gigabytes. A truncated capture decodes as far as its bytes go.
 */
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';

export interface DecodedBody {
  bytes: Buffer;
  /** The output stops early: the input was cut or the output reached the cap. */
  truncated: boolean;
  error?: string;
}

const DECODERS: Record<string, () => Transform> = {
  gzip: () => zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH }),
  'x-gzip': () => zlib.createGunzip({ finishFlush: zlib.constants.Z_SYNC_FLUSH }),
  br: () => zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH }),
  deflate: () => zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH }),
};

/** Codings of a Content-Encoding header in the order they must be undone; undefined when one is unknown. */
export function decodingSteps(contentEncoding: string | undefined): string[] | undefined {
  if (contentEncoding === undefined) return [];
  const codings = contentEncoding
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.some((coding) => DECODERS[coding] === undefined)) return undefined;
  return codings.reverse();
}

/**
 * Undoes `contentEncoding` on `raw`, keeping at most `maxBytes` of output. `inputTruncated`:
 * the raw bytes are only the start of the body (then a missing end is no error).
 */
export async function decodeBody(raw: Buffer, contentEncoding: string | undefined, maxBytes: number, inputTruncated: boolean): Promise<DecodedBody | undefined> {
  const steps = decodingSteps(contentEncoding);
  if (steps === undefined) return { bytes: Buffer.alloc(0), truncated: false, error: `unsupported content-encoding "${contentEncoding}"` };
  if (steps.length === 0) return undefined;
  let bytes = raw;
  let truncated = inputTruncated;
  for (const coding of steps) {
    let step = await run(DECODERS[coding]!(), bytes, maxBytes);
    // "deflate" is zlib-wrapped per the RFC, but some servers send it raw.
    if (step.error !== undefined && coding === 'deflate' && step.bytes.length === 0) step = await run(zlib.createInflateRaw({ finishFlush: zlib.constants.Z_SYNC_FLUSH }), bytes, maxBytes);
    if (step.error !== undefined && !(truncated && step.bytes.length > 0)) return { bytes: step.bytes, truncated: true, error: `could not decode ${coding}: ${step.error}` };
    bytes = step.bytes;
    truncated ||= step.capped || step.error !== undefined;
  }
  return { bytes, truncated };
}

function run(decoder: Transform, input: Buffer, maxBytes: number): Promise<{ bytes: Buffer; capped: boolean; error?: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let held = 0;
    let settled = false;
    const finish = (capped: boolean, error?: string) => {
      if (settled) return;
      settled = true;
      decoder.removeAllListeners('data');
      decoder.destroy();
      resolve({ bytes: Buffer.concat(chunks, held), capped, ...(error !== undefined ? { error } : {}) });
    };
    decoder.on('data', (chunk: Buffer) => {
      const room = maxBytes - held;
      const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
      chunks.push(part);
      held += part.length;
      if (held >= maxBytes) finish(true);
    });
    decoder.on('end', () => finish(false));
    decoder.on('error', (error: Error) => finish(false, error.message));
    decoder.end(input);
  });
}
