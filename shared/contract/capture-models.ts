/**
 * Captured bodies of a request-log entry (the drawer and HAR export ask for them one entry at a
 * time; the list itself carries only their sizes). Bytes travel as base64: bodies may be binary.
 */
import { z } from 'zod';

export const capturedBodySchema = z.object({
  /** Bytes of the whole body as it went through (still content-encoded). */
  size: z.number().int().min(0),
  /** Bytes kept: the first `captured` of `size` (the capture limit cut the rest). */
  captured: z.number().int().min(0),
  truncated: z.boolean(),
  contentType: z.string().optional(),
  contentEncoding: z.string().optional(),
  /** The kept bytes as they went through, base64. */
  base64: z.string(),
  /** Decoded for display when content-encoded (gzip, br, deflate); bounded in size. */
  decoded: z
    .object({
      base64: z.string(),
      /** The decoded bytes stop early: the raw bytes were cut, or decoding hit its size cap. */
      truncated: z.boolean(),
      error: z.string().optional(),
    })
    .optional(),
});
export type CapturedBody = z.infer<typeof capturedBodySchema>;

export const trafficBodiesSchema = z.object({
  /** null: no body, or none kept (capture off, or the request was answered before its body was read). */
  request: capturedBodySchema.nullable(),
  response: capturedBodySchema.nullable(),
});
export type TrafficBodies = z.infer<typeof trafficBodiesSchema>;

/** Decoded bodies are cut here: a small compressed body must not become gigabytes (a "zip bomb"). */
export const MAX_DECODED_BODY_BYTES = 8 * 1024 * 1024;
