/** A stored body as the contract shows it: sizes, the truncation, content type, decoded bytes. */
import { type CapturedBody, MAX_DECODED_BODY_BYTES } from '../../../shared/contract/capture-models';
import { decodeBody } from './body-decoding';

/** `size`: bytes of the whole body as it went through; `headers`: the message's headers, if recorded. */
export async function capturedBodyView(raw: Buffer | undefined, size: number, headers: Record<string, string> | undefined): Promise<CapturedBody | null> {
  if (raw === undefined || raw.length === 0) return null;
  const whole = Math.max(size, raw.length);
  const truncated = raw.length < whole;
  const contentType = headers?.['content-type'];
  const contentEncoding = headers?.['content-encoding'];
  const view: CapturedBody = { size: whole, captured: raw.length, truncated, base64: raw.toString('base64') };
  if (contentType !== undefined) view.contentType = contentType;
  if (contentEncoding !== undefined) view.contentEncoding = contentEncoding;
  const decoded = await decodeBody(raw, contentEncoding, MAX_DECODED_BODY_BYTES, truncated);
  if (decoded !== undefined) view.decoded = { base64: decoded.bytes.toString('base64'), truncated: decoded.truncated, ...(decoded.error !== undefined ? { error: decoded.error } : {}) };
  return view;
}
