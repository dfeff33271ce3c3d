/**
 * The bundled demo API on demand, so the first-run "Add the sample API" works without a second
 * terminal: reuses a demo upstream already answering on 127.0.0.1:3000 (`gatehouse
 * demo-upstream`), else starts one in this process on 3000, or on a free port when 3000 is taken
 * by something else.
 */
import http from 'node:http';
import { startDemoUpstream, type DemoUpstream } from '../demo/server';

export const DEMO_DEFAULT_PORT = 3000;

export interface DemoUpstreamInfo {
  url: string;
  /** True when this call started it; false when it was already running. */
  started: boolean;
}

export class DemoUpstreamService {
  private running: DemoUpstream | undefined;
  private starting: Promise<DemoUpstreamInfo> | undefined;

  constructor(private readonly preferredPort = DEMO_DEFAULT_PORT) {}

  ensure(): Promise<DemoUpstreamInfo> {
    if (this.running) return Promise.resolve({ url: this.running.url, started: false });
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<DemoUpstreamInfo> {
    const preferred = `http://127.0.0.1:${this.preferredPort}`;
    if (await isDemoUpstream(preferred)) return { url: preferred, started: false };
    try {
      this.running = await startDemoUpstream({ port: this.preferredPort, host: '127.0.0.1' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      this.running = await startDemoUpstream({ port: 0, host: '127.0.0.1' });
    }
    return { url: this.running.url, started: true };
  }

  async stop(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.close();
  }
}

/** Whether `url` answers as the demo upstream does (its index names itself). */
function isDemoUpstream(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get(`${url}/`, { timeout: 1000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(response.statusCode === 200 && body.includes('gatehouse demo upstream')));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}
