/**
 * Test support for alerts: a real store and a real telemetry file in a temp dir, a real
 * gateway in front of a real upstream feeding that telemetry, the control plane's event bus,
 * and a webhook receiver. Short intervals so tests take seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EventPayload } from '../../../shared/contract/events';
import { EventBus } from '../../control/event-bus';
import { Telemetry } from '../../control/telemetry/telemetry';
import { startGateway, type ApiSnapshotInput, type StartedGateway } from '../../gateway/testing';
import type { AlertRuleRecord, NewAlertRule } from '../../store/alert-rules';
import { EMBEDDED_GATEWAY_ID } from '../../store/gateways';
import { Store } from '../../store/store';
import { startServer, type TestServer } from '../../testing/net';
import { startAlerting, type Alerting, type AlertingOptions } from '../alerting';

export interface Received {
  at: number;
  body: Record<string, any>;
  headers: http.IncomingHttpHeaders;
}

export interface WebhookReceiver {
  url: string;
  received: Received[];
  /** Status answered to each POST (default 200). */
  status: number;
  close(): Promise<void>;
}

export class AlertHarness {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-alerts-'));
  store = Store.open(this.dir);
  telemetry = new Telemetry({ file: path.join(this.dir, 'telemetry.sqlite'), onError: () => {} });
  readonly bus = new EventBus();
  readonly fired: EventPayload<'alert.fired'>[] = [];
  readonly resolved: EventPayload<'alert.resolved'>[] = [];
  readonly logs: string[] = [];
  gateway: StartedGateway | undefined;
  alerting: Alerting | undefined;
  private readonly servers: { close(): Promise<void> }[] = [];

  constructor() {
    this.store.ensureEmbeddedGateway(18_081);
    this.bus.on('alert.fired', (event) => this.fired.push(event));
    this.bus.on('alert.resolved', (event) => this.resolved.push(event));
  }

  /** A real upstream: `handler` answers each request. */
  async upstream(handler: http.RequestListener): Promise<TestServer> {
    const server = await startServer(handler);
    this.servers.push(server);
    return server;
  }

  /** A real gateway serving `apis` (also created in the store, so rules may reference them), counted by telemetry. */
  async serve(apis: (ApiSnapshotInput & { id: string; name: string; upstream: string })[]): Promise<StartedGateway> {
    for (const api of apis)
      if (!this.store.apis.get(api.id))
        this.store.apis.insert({ id: api.id, name: api.name, implementationUrl: api.upstream, basePath: api.basePath ?? '/', gatewayId: EMBEDDED_GATEWAY_ID });
    const telemetry = () => this.telemetry;
    this.gateway = await startGateway(apis, { onRequest: (fact) => telemetry().ingest(fact) });
    return this.gateway;
  }

  rule(input: Omit<NewAlertRule, 'name'> & { name?: string }): AlertRuleRecord {
    return this.store.alertRules.insert({ name: input.name ?? `${input.kind} ${this.store.alertRules.list().length + 1}`, ...input });
  }

  start(options: Partial<AlertingOptions> = {}): Alerting {
    const store = () => this.store;
    this.alerting = startAlerting({
      rules: { list: () => store().alertRules.list() },
      events: {
        latest: (id) => store().alertEvents.latest(id),
        insert: (event) => store().alertEvents.insert(event),
        setDelivery: (id, delivery) => store().alertEvents.setDelivery(id, delivery),
      },
      telemetry: { windowStats: (query) => this.telemetry.windowStats(query) },
      bus: this.bus,
      apiName: (id) => store().apis.get(id)?.name,
      intervalMs: 100,
      webhooks: { retryDelaysMs: [100, 200, 400], timeoutMs: 1000 },
      log: (level, message) => this.logs.push(`${level}: ${message}`),
      ...options,
    });
    return this.alerting;
  }

  /** Stops alerting and reopens the store and telemetry from their files, as after a restart. */
  async restart(): Promise<void> {
    await this.alerting?.stop({ graceMs: 0 });
    this.alerting = undefined;
    this.telemetry.close();
    this.store.close();
    this.store = Store.open(this.dir);
    this.telemetry = new Telemetry({ file: path.join(this.dir, 'telemetry.sqlite'), onError: () => {} });
  }

  events(ruleId: string) {
    return this.store.alertEvents.list({ ruleId }).reverse();
  }

  async webhook(status = 200): Promise<WebhookReceiver> {
    const received: Received[] = [];
    const receiver: WebhookReceiver = { url: '', received, status, close: async () => {} };
    const server = await startServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ at: Date.now(), body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'), headers: req.headers });
        res.writeHead(receiver.status, { 'content-type': 'text/plain' });
        res.end(receiver.status < 300 ? 'ok' : 'nope');
      });
    });
    this.servers.push(server);
    receiver.url = `${server.url}/hooks/alerts`;
    receiver.close = () => server.close();
    return receiver;
  }

  async close(): Promise<void> {
    await this.alerting?.stop({ graceMs: 0 });
    await this.gateway?.close();
    for (const server of this.servers) await server.close();
    this.telemetry.close();
    this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
