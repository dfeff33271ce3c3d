import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPolicy } from '../../shared/policies/catalogue';
import { messageLoggingSchema } from '../../shared/policies/message-logging';
import type { RequestFact } from '../gateway/telemetry';
import { startGateway, type StartedGateway } from '../gateway/testing';
import { request, startServer, type TestServer } from '../testing/net';

describe('message-logging-flex config', () => {
  const parse = (message: string, conditional?: string) =>
    messageLoggingSchema.safeParse({ loggingConfiguration: [{ itemName: 'x', itemData: { message, level: 'info', ...(conditional ? { conditional } : {}) } }] });

  it('accepts text, references joined with ++, comparisons; fills Flex-style defaults', () => {
    const ok = parse("#['Status ' ++ attributes.statusCode ++ \" for \" ++ attributes.headers['user-agent']]", "#[attributes.method == 'POST']");
    expect(ok.success).toBe(true);
    expect(ok.data?.loggingConfiguration[0]!.itemData).toMatchObject({ level: 'INFO', firstSection: true, secondSection: false });
    expect(parse('plain text').success).toBe(true);
  });

  it('refuses unsupported expressions naming the field and the supported forms', () => {
    const bad = parse('#[payload.user]');
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path.join('.')).toBe('loggingConfiguration.0.itemData.message');
    expect(bad.error!.issues[0]!.message).toContain('attributes.statusCode');
    expect(parse('#[attributes.method ++]').success).toBe(false);
    expect(parse('ok', "#[attributes.method = 'POST']").success).toBe(false);
    expect(parse('ok', 'sometimes').success).toBe(false);
  });
});

describe('message-logging-flex over sockets', () => {
  let upstream: TestServer;
  let gateway: StartedGateway;
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const facts: RequestFact[] = [];
  /** Requests the upstream saw, with the log lines written before each arrived. */
  const linesAtUpstream: number[] = [];

  beforeAll(async () => {
    upstream = await startServer((req, res) => {
      linesAtUpstream.push(lines.length);
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'x-served-by': 'upstream-1' });
      res.end('ok');
    });
    gateway = await startGateway(
      {
        basePath: '/logged',
        name: 'Orders',
        upstream: upstream.url,
        policies: [
          {
            name: 'message-logging-flex',
            config: {
              loggingConfiguration: [
                { itemName: 'inbound', itemData: { message: "#[attributes.method ++ ' ' ++ attributes.requestPath ++ ' id=' ++ attributes.queryParams['id']]", level: 'INFO', category: 'audit' } },
                { itemName: 'posts', itemData: { message: "#['a POST from ' ++ attributes.headers['x-user']]", conditional: "#[attributes.method == 'POST']", level: 'WARN' } },
                {
                  itemName: 'outbound',
                  itemData: { message: "#['status ' ++ attributes.statusCode ++ ' from ' ++ attributes.headers['x-served-by']]", level: 'ERROR', firstSection: false, secondSection: true },
                },
              ],
            },
          },
        ],
      },
      { catalogue: findPolicy, log: (level, message, fields) => lines.push({ level, message, fields }), onRequest: (fact) => facts.push(fact) },
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('logs the first section before the upstream is called and the second after it answered', async () => {
    lines.length = 0;
    linesAtUpstream.length = 0;
    const res = await request(gateway.url('/logged/orders?id=42'));
    expect(res.status).toBe(200);
    const logged = lines.filter((line) => line.fields?.policy === 'message-logging-flex');
    expect(logged.map((line) => [line.level, line.message.replace(/ \(request [^)]+\)$/, '')])).toEqual([
      ['info', 'Orders: message-logging-flex: [INFO] audit inbound: GET /logged/orders id=42'],
      ['error', 'Orders: message-logging-flex: [ERROR] outbound: status 200 from upstream-1'],
    ]);
    // The inbound line was written before the upstream saw the request.
    expect(linesAtUpstream).toEqual([1]);
  });

  it('logs a conditional item only when its condition holds', async () => {
    lines.length = 0;
    await request(gateway.url('/logged/orders'), { method: 'POST', headers: { 'x-user': 'ada' }, body: '{}' });
    expect(lines.some((line) => line.level === 'warn' && line.message.includes('[WARN] posts: a POST from ada'))).toBe(true);
    lines.length = 0;
    await request(gateway.url('/logged/orders'));
    expect(lines.some((line) => line.message.includes('posts:'))).toBe(false);
  });

  it('puts what it logged in the request trace, before and after the upstream', async () => {
    await request(gateway.url('/logged/missing'));
    const fact = facts.findLast((f) => f.path === '/logged/missing')!;
    expect(fact.status).toBe(404);
    const entries = fact.trace.filter((entry) => entry.policy === 'message-logging-flex');
    expect(entries.map((entry) => entry.detail)).toEqual(['logged inbound', 'after the upstream: logged outbound']);
  });

  it('keeps a line on one line and bounded whatever the request carries', async () => {
    lines.length = 0;
    await request(gateway.url(`/logged/x?id=${encodeURIComponent('a\nFAKE LOG LINE')}${'y'.repeat(5000)}`));
    const inbound = lines.find((line) => line.message.includes('inbound:'))!;
    expect(inbound.message).not.toContain('\n');
    expect(inbound.message).toContain('a\\x0aFAKE LOG LINE');
    expect(inbound.message).toContain('more characters)');
  });
});
