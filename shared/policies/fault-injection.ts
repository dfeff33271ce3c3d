/**
 * fault-injection (beyond Flex, not in its catalogue): makes the gateway misbehave on purpose,
 * so a client's retries, timeouts and error handling can be tried locally. Each fault is drawn
 * independently with its own percentage; the config names are fixed (scripts rely on them).
 */
import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';

const percentage = z.number().min(0).max(100).describe('Share of requests that get this fault (%, 0–100)');

const delaySchema = z
  .object({
    percentage,
    fixedMs: z.number().int().nonnegative().max(600_000).optional().describe('Delay before the request goes on (ms); or give minMs and maxMs'),
    minMs: z.number().int().nonnegative().max(600_000).optional().describe('Shortest random delay (ms), with maxMs'),
    maxMs: z.number().int().nonnegative().max(600_000).optional().describe('Longest random delay (ms), with minMs'),
  })
  .strict()
  .superRefine((delay, ctx) => {
    const range = delay.minMs !== undefined || delay.maxMs !== undefined;
    if (delay.fixedMs !== undefined && range) ctx.addIssue({ code: 'custom', path: ['fixedMs'], message: 'give either fixedMs or minMs and maxMs, not both' });
    else if (delay.fixedMs === undefined && !range) ctx.addIssue({ code: 'custom', path: ['fixedMs'], message: 'give fixedMs, or minMs and maxMs' });
    else if (range && (delay.minMs === undefined || delay.maxMs === undefined))
      ctx.addIssue({ code: 'custom', path: [delay.minMs === undefined ? 'minMs' : 'maxMs'], message: 'minMs and maxMs go together' });
    else if (range && delay.minMs! > delay.maxMs!) ctx.addIssue({ code: 'custom', path: ['maxMs'], message: `maxMs (${delay.maxMs}) is below minMs (${delay.minMs})` });
  })
  .describe('Wait before passing the request on');

export const faultInjectionSchema = z
  .object({
    delay: delaySchema.optional(),
    abort: z
      .object({
        percentage,
        status: z.number().int().min(400).max(599).default(503).describe('Status the gateway answers with (400–599)'),
      })
      .strict()
      .optional()
      .describe('Answer with an error instead of calling the upstream'),
    reset: z
      .object({ percentage })
      .strict()
      .optional()
      .describe('Reset the client connection: no response at all'),
    slowBody: z
      .object({
        percentage,
        bytesPerSecond: z.number().int().positive().max(1_000_000_000).describe('Rate the response body trickles to the client (bytes per second)'),
      })
      .strict()
      .optional()
      .describe('Send the response body slowly'),
    allowHeaderTrigger: z
      .boolean()
      .default(false)
      .describe('A request with x-gatehouse-fault: delay=500, abort=503, reset or slowBody=1000 gets that fault (the header never reaches the upstream)'),
  })
  .strict();
export type FaultInjectionConfig = z.infer<typeof faultInjectionSchema>;

export const FAULT_HEADER = 'x-gatehouse-fault';

export const faultInjectionEntry: PolicyCatalogueEntry<typeof faultInjectionSchema> = {
  name: 'fault-injection',
  title: 'Fault injection',
  description: 'Beyond Flex: delays, aborts with an error status, resets connections or slows response bodies for a share of requests, to test how clients cope.',
  category: 'quality',
  scope: 'request',
  schema: faultInjectionSchema,
  defaults: { abort: { percentage: 10, status: 503 }, allowHeaderTrigger: false },
  fields: {
    delay: { label: 'Delay', help: 'Wait before passing the request on: a fixed time, or a random one between a minimum and a maximum' },
    'delay.percentage': { label: 'Share of requests (%)', help: '0–100; drawn for each request, independently of the other faults' },
    'delay.fixedMs': { label: 'Fixed delay', unit: 'milliseconds', help: 'Leave empty to give a minimum and a maximum instead' },
    'delay.minMs': { label: 'Shortest delay', unit: 'milliseconds', help: 'With the longest delay: a random time in between' },
    'delay.maxMs': { label: 'Longest delay', unit: 'milliseconds' },
    abort: { label: 'Abort', help: 'Answer with an error status instead of calling the upstream' },
    'abort.percentage': { label: 'Share of requests (%)', help: '0–100; drawn for each request' },
    'abort.status': { label: 'Status', help: 'The error status the gateway answers (400–599), with a JSON error body' },
    reset: { label: 'Connection reset', help: "Reset the client's connection: no response at all" },
    'reset.percentage': { label: 'Share of requests (%)', help: '0–100; drawn for each request' },
    slowBody: { label: 'Slow body', help: 'Send the response body slowly' },
    'slowBody.percentage': { label: 'Share of requests (%)', help: '0–100; drawn for each request' },
    'slowBody.bytesPerSecond': { label: 'Bytes per second', help: 'The rate the body trickles to the client' },
    allowHeaderTrigger: { label: 'Allow the x-gatehouse-fault header', help: 'A request with x-gatehouse-fault: delay=500, abort=503, reset or slowBody=1000 gets that fault; the header never reaches the upstream' },
  },
};
