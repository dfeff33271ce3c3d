/**
 * `GET /api/v1/events`: the contract's events as Server-Sent Events. Each event is
 * `event: <name>` + `data: <json>`; comments keep idle connections alive through proxies, and
 * `retry:` tells EventSource how soon to reconnect. `?events=a,b` narrows the stream.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorEnvelope } from '../../shared/errors';
import { eventNames, isEventName, type ContractEventBus, type EventName } from '../../shared/contract/events';

export interface SseOptions {
  bus: ContractEventBus;
  heartbeatMs?: number;
  retryMs?: number;
  /** A client whose unsent output exceeds this is dropped (it reconnects and refreshes). */
  maxBufferedBytes?: number;
}

export interface SseEndpoint {
  handle(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void;
  /** Number of open streams. */
  readonly clients: number;
  /** Ends every stream (server shutdown). */
  close(): void;
}

/** Live request entries are the firehose: skipped for a client that is falling behind. */
const LOSSY_EVENTS = new Set<EventName>(['traffic.request']);

export function createSseEndpoint(options: SseOptions): SseEndpoint {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const retryMs = options.retryMs ?? 3_000;
  const maxBuffered = options.maxBufferedBytes ?? 8 * 1024 * 1024;
  const open = new Set<() => void>();
  let nextId = 1;

  function handle(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    const { wanted, unknown } = parseFilter(query.get('events'));
    if (unknown.length > 0) {
      const body = errorEnvelope('VALIDATION_FAILED', `unknown event "${unknown[0]}"`, {
        details: unknown.map((name) => ({ path: 'events', message: `unknown event "${name}"; known: ${eventNames.join(', ')}` })),
      });
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${retryMs}\n: connected\n\n`);
    req.socket.setNoDelay(true);

    const offs = wanted.map((event) =>
      options.bus.on(event, (payload) => {
        if (res.writableEnded) return;
        if (res.writableLength > maxBuffered) return end();
        if (LOSSY_EVENTS.has(event) && res.writableLength > maxBuffered / 8) return;
        res.write(`id: ${nextId++}\nevent: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
      }),
    );
    const heartbeat = setInterval(() => res.write(`: ping ${Date.now()}\n\n`), heartbeatMs);
    heartbeat.unref();

    let ended = false;
    function end(): void {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      for (const off of offs) off();
      open.delete(end);
      if (!res.writableEnded) res.end();
    }
    open.add(end);
    req.on('close', end);
    res.on('error', end);
  }

  return {
    handle,
    get clients() {
      return open.size;
    },
    close() {
      for (const end of [...open]) end();
    },
  };
}

function parseFilter(value: string | null): { wanted: EventName[]; unknown: string[] } {
  if (!value) return { wanted: eventNames, unknown: [] };
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const wanted = names.filter(isEventName);
  return { wanted: wanted.length > 0 ? wanted : eventNames, unknown: names.filter((name) => !isEventName(name)) };
}
