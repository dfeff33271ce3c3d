/**
 * Access lines are written in batches: many lines, one write, in order; a full batch goes at
 * once; flush() writes what waits (before any other output) and leaves nothing behind. And the
 * per-line formatting that replaced a regex and a Date per line gives the same text.
 */
import { describe, expect, it } from 'vitest';
import type { RequestFact } from '../gateway/telemetry';
import { format } from './gateway-logging';
import { formatAccessLine } from './gateway-output';
import { LineBatch } from './line-batch';

function recorder() {
  const writes: string[] = [];
  let wrote: () => void = () => undefined;
  const next = () => new Promise<void>((resolve) => (wrote = resolve));
  return { writes, next, write: (text: string) => (writes.push(text), wrote()) };
}

describe('LineBatch', () => {
  it('writes many lines as one write, in order, a moment later', async () => {
    const out = recorder();
    const batch = new LineBatch(out.write, 64 * 1024, 5);
    const written = out.next();
    for (let n = 0; n < 500; n++) batch.push(`line ${n}`);
    expect(out.writes).toEqual([]);
    await written;
    expect(out.writes).toHaveLength(1);
    expect(out.writes[0]!.split('\n')).toEqual([...Array.from({ length: 500 }, (_, n) => `line ${n}`), '']);
  });

  it('a full batch is written at once; flush() writes the rest and nothing is written twice', async () => {
    const out = recorder();
    const batch = new LineBatch(out.write, 100, 5);
    const line = (n: number) => `line ${String(n).padStart(2, '0')} of the test`; // 19 characters and a newline
    for (let n = 0; n < 12; n++) batch.push(line(n));
    // Every fifth line fills the 100 characters: two writes of five; two lines wait.
    const lines = (from: number, count: number) => Array.from({ length: count }, (_, n) => `${line(from + n)}\n`).join('');
    expect(out.writes).toEqual([lines(0, 5), lines(5, 5)]);
    batch.flush();
    expect(out.writes[2]).toBe(lines(10, 2));
    batch.flush();
    // The timer the waiting lines had set was cleared: a later batch is the next write.
    const later = out.next();
    batch.push('later');
    await later;
    expect(out.writes).toEqual([lines(0, 5), lines(5, 5), lines(10, 2), 'later\n']);
  });
});

describe('log line formatting', () => {
  const fact: RequestFact = {
    id: 'req_1',
    at: Date.UTC(2026, 0, 2, 3, 4, 5, 7),
    apiName: 'orders',
    listener: '127.0.0.1:8081',
    method: 'GET',
    path: '/orders/1',
    query: 'x=1',
    status: 200,
    latencyMs: 1.25,
    bytesIn: 0,
    bytesOut: 10,
    remoteAddress: '127.0.0.1',
    source: 'upstream',
    trace: [],
  };

  it('an access line carries the UTC time to the millisecond, also across seconds', () => {
    expect(formatAccessLine(fact)).toBe('03:04:05.007 GET /orders/1?x=1 200 1.3ms [orders]');
    expect(formatAccessLine({ ...fact, source: 'mock' })).toBe('03:04:05.007 GET /orders/1?x=1 200 1.3ms mock [orders]');
    expect(formatAccessLine({ ...fact, at: fact.at + 993 })).toMatch(/^03:04:06\.000 /);
    expect(formatAccessLine({ ...fact, at: fact.at + 92 })).toMatch(/^03:04:05\.099 /);
    expect(formatAccessLine({ ...fact, at: fact.at - 1007 })).toMatch(/^03:04:04\.000 /);
  });

  it('a template output fills known placeholders and keeps unknown ones as written', () => {
    const line = format({ name: 'file', kind: 'file', format: 'template', template: '{level} {kind} {message} {nope} {logger}' }, 'info', 'access', 'GET /x 200');
    expect(line).toBe('info access GET /x 200 {nope} gatehouse');
    const json = JSON.parse(format({ name: 'json', kind: 'stdout', format: 'json' }, 'warn', 'runtime', 'hello')) as Record<string, string>;
    expect(json).toMatchObject({ logger: 'gatehouse', level: 'warn', kind: 'runtime', message: 'hello' });
    expect(new Date(json.date!).toISOString()).toBe(json.date);
    expect(format({ name: 'default', kind: 'stdout', format: 'template' }, 'info', 'access', 'm')).toMatch(/^\[\d{4}-\d\d-\d\dT[\d:.]+Z\]\[gatehouse\]\[info\]\[access\] m$/);
  });
});
