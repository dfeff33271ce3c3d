/**
 * Captured bodies in the renderer: bytes from base64, how to show them (JSON, text, hex or an
 * image, by content type and then by content), and the "truncated" note.
 */
import type { CapturedBody } from '../../../shared/contract/capture-models';

export type BodyViewKind = 'json' | 'text' | 'hex' | 'image';

export function bytesFromBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function base64FromBytes(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The bytes to show: decoded when the body was content-encoded and decoding worked. */
export function displayBytes(body: CapturedBody): Uint8Array {
  if (body.decoded && !body.decoded.error) return bytesFromBase64(body.decoded.base64);
  return bytesFromBase64(body.base64);
}

/** The body was shown as decoded from its content-encoding. */
export function isDecoded(body: CapturedBody): boolean {
  return Boolean(body.decoded && !body.decoded.error);
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|ecmascript|x-www-form-urlencoded|graphql|x-ndjson|yaml|x-yaml)$)|[+](json|xml)$/;

/** UTF-8 text without control characters other than whitespace (the start decides: a cut body may end mid-character). */
export function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 4096);
  for (const byte of sample) if (byte === 0 || (byte < 32 && byte !== 9 && byte !== 10 && byte !== 13)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.length < bytes.length ? trimPartialUtf8(sample) : sample);
    return true;
  } catch {
    return false;
  }
}

/** Drops an incomplete UTF-8 sequence at the end of a cut sample. */
function trimPartialUtf8(bytes: Uint8Array): Uint8Array {
  let end = bytes.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    if (needed > back) end -= back;
    break;
  }
  return bytes.subarray(0, end);
}

export function isTextual(contentType: string | undefined, bytes: Uint8Array): boolean {
  const type = mediaType(contentType);
  if (TEXT_TYPES.test(type)) return true;
  if (type.startsWith('image/') || type === 'application/octet-stream' || type.startsWith('audio/') || type.startsWith('video/')) return false;
  return looksLikeText(bytes);
}

/** How a body is shown first; the viewer lets the user switch. */
export function defaultView(contentType: string | undefined, bytes: Uint8Array): BodyViewKind {
  const type = mediaType(contentType);
  if (type.startsWith('image/') && type !== 'image/svg+xml') return 'image';
  if (!isTextual(contentType, bytes)) return 'hex';
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  const text = utf8(bytes.subarray(0, 1)).trim();
  return text === '{' || text === '[' ? 'json' : 'text';
}

export function utf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/** JSON pretty-printed, or undefined when the text is not JSON (e.g. cut by the capture limit). */
export function prettyJson(text: string): string | undefined {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return undefined;
  }
}

/** A classic hex dump: offset, 16 bytes, their printable characters. */
export function hexDump(bytes: Uint8Array, maxBytes = 64 * 1024): string {
  const lines: string[] = [];
  const end = Math.min(bytes.length, maxBytes);
  for (let offset = 0; offset < end; offset += 16) {
    const row = bytes.subarray(offset, Math.min(offset + 16, end));
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (bytes.length > end) lines.push(`… ${bytes.length - end} more bytes`);
  return lines.join('\n');
}

/** "truncated at 256 KiB of 1 MiB" in words a user reads, or undefined when the whole body was kept. */
export function truncationNote(body: CapturedBody): string | undefined {
  if (!body.truncated) return undefined;
  return `truncated at ${body.captured.toLocaleString('en-US')} of ${body.size.toLocaleString('en-US')} bytes`;
}
