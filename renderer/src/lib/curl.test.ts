import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../../main/testing/net';
import { type CurlRequest, toCurl, toFetch, toHttpie } from './curl';

/** Runs the command in a real POSIX shell with `curl` replaced by a function printing its argv. */
function argvOf(command: string): string[] {
  const script = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${command}`;
  const out = spawnSync('sh', ['-c', script], { encoding: 'utf8' });
  expect(out.status).toBe(0);
  return out.stdout.split('\0').slice(0, -1);
}

describe('toCurl', () => {
  it('builds a GET without -X', () => {
    expect(toCurl({ method: 'GET', url: 'http://127.0.0.1:8081/a?b=1&c=2' })).toBe("curl 'http://127.0.0.1:8081/a?b=1&c=2'");
  });

  it('quotes headers, bodies and credentials so a shell passes them through unchanged', () => {
    const body = `{"name": "O'Brien", "cmd": "$(rm -rf /) \`x\` \\n"}`;
    const command = toCurl({ method: 'post', url: 'http://h/p', headers: { 'x-note': "it's $HOME", '': 'ignored' }, body, basicAuth: 'id:$SECRET' });
    expect(argvOf(command)).toEqual(['-X', 'POST', 'http://h/p', '-H', "x-note: it's $HOME", '-u', 'id:$SECRET', '--data-raw', body]);
  });

  it('uses -I for HEAD', () => {
    expect(argvOf(toCurl({ method: 'HEAD', url: 'http://h/' }))).toEqual(['-I', 'http://h/']);
  });
});

describe('placeholders that must expand', () => {
  const secret = `s3cr'et "$HOME" \`x\``;
  let upstream: TestServer;
  const seen: { url: string; headers: Record<string, unknown>; body: string }[] = [];

  beforeAll(async () => {
    upstream = await startServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.end('ok');
      });
    });
  });
  afterAll(() => upstream.close());

  const request = (): CurlRequest => ({
    method: 'POST',
    url: `${upstream.url}/posts?userId=3&_limit=2`,
    headers: { client_id: 'app-1', client_secret: '$GATEHOUSE_CLIENT_SECRET', 'x-note': "it's $HOME" },
    body: '{"token":"${GATEHOUSE_CLIENT_SECRET}","literal":"$HOME"}',
    variables: ['GATEHOUSE_CLIENT_SECRET'],
  });

  /** Asynchronously: the echo server answers from this process. */
  async function run(command: string[], env: Record<string, string>): Promise<void> {
    await promisify(execFile)(command[0]!, command.slice(1), { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 15_000 });
  }

  it('keeps the placeholder outside single quotes, so sh expands it and curl sends the value', async () => {
    const command = toCurl(request());
    expect(command).toContain(`'client_secret: '"\${GATEHOUSE_CLIENT_SECRET}"`);
    seen.length = 0;
    await run(['sh', '-c', `${command} --silent --show-error --fail`], { GATEHOUSE_CLIENT_SECRET: secret });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('/posts?userId=3&_limit=2');
    expect(seen[0]!.headers.client_secret).toBe(secret);
    // Everything else stays literal: the other $HOME is not expanded.
    expect(seen[0]!.headers['x-note']).toBe("it's $HOME");
    expect(seen[0]!.body).toBe(`{"token":"${secret}","literal":"$HOME"}`);
  });

  it('quotes HTTPie the same way', () => {
    const args = argvOfProgram('http', toHttpie(request()), { GATEHOUSE_CLIENT_SECRET: secret });
    expect(args).toEqual(['--raw', `{"token":"${secret}","literal":"$HOME"}`, 'POST', `${upstream.url}/posts?userId=3&_limit=2`, 'client_id:app-1', `client_secret:${secret}`, "x-note:it's $HOME"]);
  });

  it('builds a fetch() snippet that reads the placeholder from process.env', async () => {
    seen.length = 0;
    await run([process.execPath, '--input-type=module', '-e', toFetch(request())], { GATEHOUSE_CLIENT_SECRET: secret });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('/posts?userId=3&_limit=2');
    expect(seen[0]!.headers.client_secret).toBe(secret);
    expect(seen[0]!.body).toBe(`{"token":"${secret}","literal":"$HOME"}`);
  });
});

/** Like argvOf, for any program name, with an environment. */
function argvOfProgram(program: string, command: string, env: Record<string, string>): string[] {
  const script = `${program}() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${command}`;
  const out = spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, ...env } });
  expect(out.status).toBe(0);
  return out.stdout.split('\0').slice(0, -1);
}
