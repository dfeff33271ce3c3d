// Processes and ports for the bench scripts: children are stopped when the script exits.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** The bench's basic-auth credentials (the three-policy target checks them). */
export const AUTH = `Basic ${Buffer.from('bench:bench-secret').toString('base64')}`;

/** Every process started here (the bench waits for them to be quiet between runs). */
export const children = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGTERM')));
process.on('SIGINT', () => process.exit(130));

export function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `stdoutFd`: where the child's stdout goes instead of a pipe kept in memory (an access log under load). */
export function startProcess(args, env = {}, stdoutFd = undefined) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  child.on('exit', (code) => {
    if (code && code !== 0 && !child.expectedExit) console.error(`bench: ${args.join(' ')} exited ${code}\n${output}`);
  });
  children.push(child);
  child.output = () => output;
  return child;
}

/** Waits until `url` answers 2xx (an API created through the admin API is live within a second). */
export async function waitForHttp(url, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < until) {
    try {
      const res = await fetch(url, { headers: { authorization: AUTH } });
      await res.arrayBuffer();
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await sleep(100);
  }
  throw new Error(`bench: ${url} did not answer 2xx within ${timeoutMs} ms (${last})`);
}
