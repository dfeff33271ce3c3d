/**
 * Webhook delivery, off the evaluator's path: `enqueue` returns at once. One queue per URL,
 * one request at a time per URL (a receiver sees events in order), bounded; a failed POST is
 * retried with exponential backoff, and every step is reported through `onDelivery` so the app
 * can show pending, delivered or failed (with the last error).
 */
import http from 'node:http';
import https from 'node:https';

export interface Delivery {
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError?: string;
  /** Epoch ms of this report. */
  at: number;
}

export interface WebhookJob {
  url: string;
  body: unknown;
  onDelivery?: (delivery: Delivery) => void;
}

export interface WebhookNotifierOptions {
  /** Waits before each retry (default 500, 1000, 2000 ms: four attempts in all). */
  retryDelaysMs?: readonly number[];
  /** Per attempt (default 5 s). */
  timeoutMs?: number;
  /** Jobs waiting per URL, beyond the one being sent (default 100); more are reported failed. */
  maxQueuePerUrl?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

interface UrlQueue {
  jobs: WebhookJob[];
  running: boolean;
}

const DEFAULT_RETRY_DELAYS_MS = [500, 1000, 2000];

export class WebhookNotifier {
  private readonly queues = new Map<string, UrlQueue>();
  /** Backoff waits, with the function that ends each early (close). */
  private readonly waits = new Map<NodeJS.Timeout, () => void>();
  private readonly requests = new Set<http.ClientRequest>();
  private readonly idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: WebhookNotifierOptions = {}) {}

  enqueue(job: WebhookJob): void {
    if (this.closed) return report(job, { status: 'failed', attempts: 0, lastError: 'Gatehouse was stopping', at: Date.now() });
    let queue = this.queues.get(job.url);
    if (!queue) this.queues.set(job.url, (queue = { jobs: [], running: false }));
    const limit = this.options.maxQueuePerUrl ?? 100;
    const waiting = queue.jobs.length - (queue.running ? 1 : 0);
    if (waiting >= limit) {
      this.log('warn', `webhook ${redact(job.url)}: ${limit} notifications already waiting; this one is dropped`);
      return report(job, { status: 'failed', attempts: 0, lastError: `not sent: ${limit} notifications already waiting for this webhook`, at: Date.now() });
    }
    queue.jobs.push(job);
    if (!queue.running) void this.drain(job.url, queue);
  }

  /** Resolves when every queue is empty (tests, shutdown). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops retrying; whatever is not delivered yet is reported failed. */
  close(): void {
    this.closed = true;
    for (const [timer, wake] of this.waits) {
      clearTimeout(timer);
      wake();
    }
    this.waits.clear();
    for (const req of this.requests) req.destroy(new Error('Gatehouse was stopping'));
    for (const queue of this.queues.values()) {
      for (const job of queue.jobs.splice(queue.running ? 1 : 0))
        report(job, { status: 'failed', attempts: 0, lastError: 'Gatehouse was stopping', at: Date.now() });
    }
  }

  private async drain(url: string, queue: UrlQueue): Promise<void> {
    queue.running = true;
    while (queue.jobs.length > 0 && !this.closed) {
      await this.deliver(queue.jobs[0]!);
      queue.jobs.shift();
    }
    queue.running = false;
    queue.jobs.length = 0;
    this.queues.delete(url);
    if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async deliver(job: WebhookJob): Promise<void> {
    const delays = this.options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    const payload = JSON.stringify(job.body);
    let lastError = '';
    let attempts = 0;
    while (!this.closed) {
      attempts++;
      const result = await this.post(job.url, payload);
      if (result.ok) return report(job, { status: 'delivered', attempts, at: Date.now() });
      lastError = result.error;
      if (!result.retryable || attempts > delays.length || this.closed) break;
      report(job, { status: 'pending', attempts, lastError, at: Date.now() });
      await this.sleep(delays[attempts - 1]!);
    }
    if (this.closed && !lastError) lastError = 'Gatehouse was stopping';
    this.log('warn', `webhook ${redact(job.url)} failed: ${lastError}`);
    report(job, { status: 'failed', attempts, lastError, at: Date.now() });
  }

  private post(url: string, payload: string): Promise<{ ok: true } | { ok: false; error: string; retryable: boolean }> {
    return new Promise((resolve) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        return resolve({ ok: false, error: `not a URL: ${url}`, retryable: false });
      }
      const client = target.protocol === 'https:' ? https : http;
      const timeoutMs = this.options.timeoutMs ?? 5000;
      const req = client.request(
        target,
        {
          method: 'POST',
          agent: false,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'user-agent': 'gatehouse-alerts' },
          timeout: timeoutMs,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          res.resume();
          res.on('end', () => {
            if (status >= 200 && status < 300) resolve({ ok: true });
            // A 4xx other than "try later" will not change by sending the same body again.
            else resolve({ ok: false, error: `HTTP ${status}`, retryable: status >= 500 || status === 408 || status === 429 });
          });
          res.on('error', (error) => resolve({ ok: false, error: error.message, retryable: true }));
        },
      );
      this.requests.add(req);
      req.on('close', () => this.requests.delete(req));
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ ok: false, error: error.code === 'ECONNREFUSED' ? `connection refused (${target.host})` : error.message, retryable: true }),
      );
      req.end(payload);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waits.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.waits.set(timer, resolve);
    });
  }

  private isIdle(): boolean {
    return this.queues.size === 0;
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }
}

function report(job: WebhookJob, delivery: Delivery): void {
  try {
    job.onDelivery?.(delivery);
  } catch {
    // A report that cannot be stored (store closing) must not stop the queue.
  }
}

/** Webhook URLs often carry a secret in the path (Slack): log only the origin. */
function redact(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'with an invalid URL';
  }
}
