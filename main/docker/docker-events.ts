/**
 * Engine events for replica containers (filtered by the gateway label), so a crash, a kill or
 * a start shows in the app at once instead of at the next reconcile. The stream is reopened
 * with backoff when the engine goes away.
 */
import type Docker from 'dockerode';
import { LABEL_GATEWAY, LABEL_REPLICA } from './replica-containers';

export interface ReplicaEvent {
  gatewayId: string;
  index: number;
  containerId: string;
  /** `start`, `die`, `kill`, `stop`, `destroy`, `create`, `restart`, `oom`, … */
  action: string;
  exitCode?: number;
}

interface EngineEvent {
  Type?: string;
  Action?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

export class ReplicaEventStream {
  private stream: (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private backoff = 500;

  constructor(
    private readonly docker: Docker,
    private readonly onEvent: (event: ReplicaEvent) => void,
    private readonly onDisconnect: (error?: Error) => void = () => {},
  ) {}

  start(): void {
    this.stopped = false;
    void this.open();
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    try {
      const stream = (await this.docker.getEvents({ filters: { type: ['container'], label: [LABEL_GATEWAY] } })) as NodeJS.ReadableStream & { destroy?: () => void };
      if (this.stopped) {
        stream.destroy?.();
        return;
      }
      this.stream = stream;
      this.backoff = 500;
      let pending = '';
      stream.on('data', (chunk: Buffer | string) => {
        pending += chunk.toString();
        let newline: number;
        while ((newline = pending.indexOf('\n')) >= 0) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (line) this.handle(line);
        }
      });
      const reopen = (error?: Error) => {
        if (this.stream !== stream) return;
        this.stream = undefined;
        if (this.stopped) return;
        this.onDisconnect(error);
        this.schedule();
      };
      stream.on('end', () => reopen());
      stream.on('close', () => reopen());
      stream.on('error', (error: Error) => reopen(error));
    } catch (error) {
      this.onDisconnect(error as Error);
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.open();
    }, this.backoff);
    this.retryTimer.unref();
    this.backoff = Math.min(this.backoff * 2, 10_000);
  }

  private handle(line: string): void {
    let event: EngineEvent;
    try {
      event = JSON.parse(line) as EngineEvent;
    } catch {
      return;
    }
    const attributes = event.Actor?.Attributes ?? {};
    const gatewayId = attributes[LABEL_GATEWAY];
    const index = Number(attributes[LABEL_REPLICA]);
    if (!gatewayId || !Number.isInteger(index) || !event.Action) return;
    // `exec_start: …` and friends carry a suffix; the verb is what matters.
    const action = event.Action.split(':')[0]!.trim();
    const exitCode = attributes.exitCode !== undefined ? Number(attributes.exitCode) : undefined;
    this.onEvent({ gatewayId, index, containerId: event.Actor?.ID ?? event.id ?? '', action, ...(exitCode !== undefined ? { exitCode } : {}) });
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const stream = this.stream;
    this.stream = undefined;
    stream?.destroy?.();
  }
}
