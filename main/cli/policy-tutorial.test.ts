/**
 * The README's custom-policy tutorial, verbatim: its files are taken from the README's code
 * blocks (```ts debug-header/policy.ts …), its commands are the README's `sh` lines run with the
 * built CLI (the demo API is an echo upstream here, ports are free ones), and its edits are the
 * ones the prose asks for. What the README says happens is what is checked.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-policy-tutorial-'));
const HEADING = '## Five-minute tutorial: your own policy in TypeScript';

interface Block {
  lang: string;
  file?: string;
  text: string;
}

/** The section's fenced blocks, dedented (they sit inside a numbered list). */
function tutorialBlocks(): Block[] {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf(HEADING);
  if (start < 0) throw new Error(`README.md has no "${HEADING}"`);
  const end = readme.indexOf('\n## ', start + HEADING.length);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const blocks: Block[] = [];
  for (const match of section.matchAll(/^( *)```(\w+)(?: (\S+))?\n([\s\S]*?)^\1```/gm)) {
    const indent = match[1]!.length;
    const text = match[4]!
      .split('\n')
      .map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)))
      .join('\n');
    blocks.push({ lang: match[2]!, file: match[3], text });
  }
  return blocks;
}

const blocks = tutorialBlocks();
const commands = blocks.filter((block) => block.lang === 'sh').flatMap((block) => block.text.split('\n').filter(Boolean));
const fileBlock = (file: string) => {
  const block = blocks.find((candidate) => candidate.file === file);
  if (!block) throw new Error(`the tutorial has no block for ${file}`);
  return block.text;
};

let upstream: TestServer;
let gateway: ChildProcess | undefined;
let output = '';
let port = 0;
const policyFile = path.join(dir, 'debug-header', 'policy.ts');
/** The README's URLs on this run's ports. */
const local = (url: string) => url.replace('127.0.0.1:8082', `127.0.0.1:${port}`);

function gatehouse(line: string): Promise<{ code: number; out: string }> {
  const args = line.replace(/^npx gatehouse /, '').split(' ');
  return new Promise((resolve) =>
    execFile(process.execPath, [path.join(root, 'bin', 'gatehouse.cjs'), ...args], { cwd: dir }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    ),
  );
}

/** Saved whole, as editors do (write + rename): the watcher never reads half a file. */
function save(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (;;) {
    if (gateway && gateway.exitCode !== null) throw new Error(`gateway exited while waiting for ${what}:\n${output}`);
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A `curl -s 'URL'` line of the README, sent. */
async function curl(line: string) {
  const url = /curl -s '?([^' ]+)'?/.exec(line)?.[1];
  if (!url) throw new Error(`not a curl line: ${line}`);
  return request(local(url));
}

beforeAll(async () => {
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, err) => (error ? reject(new Error(err)) : resolve())),
  );
  upstream = await startEchoUpstream();
  port = await freePort();
}, 120_000);

afterAll(async () => {
  gateway?.kill('SIGKILL');
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the README custom-policy tutorial', () => {
  it('scaffolds, runs, reloads on edit, reports a syntax error with file and line, and tests the policy', async () => {
    expect(commands).toEqual([
      'npx gatehouse policy new debug-header',
      'npx gatehouse demo-upstream --port 3000',
      'npx gatehouse gateway --config conf.d',
      "curl -s 'http://127.0.0.1:8082/demo/echo?debug=1'",
      "curl -s 'http://127.0.0.1:8082/demo/echo'",
      'curl -s http://127.0.0.1:8082/.gatehouse/health',
      'npx gatehouse policy test debug-header',
    ]);

    // 1. Scaffold.
    const scaffolded = await gatehouse(commands[0]!);
    expect(scaffolded.code).toBe(0);

    // 2-3. The README's files (the demo API on this run's echo upstream, the gateway on a free port).
    save(policyFile, fileBlock('debug-header/policy.ts'));
    mkdirSync(path.join(dir, 'conf.d'));
    writeFileSync(
      path.join(dir, 'conf.d', 'debug-api.yaml'),
      fileBlock('conf.d/debug-api.yaml').replace(':8082/', `:${port}/`).replace('127.0.0.1:3000', `127.0.0.1:${upstream.port}`),
    );

    // 4. The gateway (the demo API is the echo upstream), then the two calls.
    gateway = spawn(process.execPath, [path.join(root, 'bin', 'gatehouse.cjs'), ...commands[2]!.replace('npx gatehouse ', '').split(' ')], { cwd: dir });
    gateway.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    gateway.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await until(async () => (output.includes('watching') ? true : undefined), 'the gateway to start');
    expect((await curl(commands[3]!)).json().headers['x-debug']).toBe('on');
    expect((await curl(commands[4]!)).json().headers['x-debug']).toBeUndefined();

    // 5. 'on' → 'verbose': the next call has it, no restart.
    const good = readFileSync(policyFile, 'utf8').replace("'on'", "'verbose'");
    save(policyFile, good);
    await until(async () => ((await curl(commands[3]!)).json().headers['x-debug'] === 'verbose' ? true : undefined), 'the edit to serve');

    // The `)` before the `;` of the headers.set line deleted: last good version serves, health says where.
    const setLine = good.split('\n').findIndex((line) => line.includes('request.headers.set('));
    expect(setLine + 1).toBe(20);
    save(policyFile, good.replace("'verbose');", "'verbose';"));
    const degraded = await until(async () => {
      const health = (await curl(commands[5]!)).json();
      return health.status === 'degraded' ? health : undefined;
    }, 'health to report the syntax error');
    expect(degraded.lastConfigError.message).toBe(`${policyFile}:20: Expected ")" but found ";"`);
    expect(output).toContain(`${policyFile}:20: Expected ")" but found ";"`);
    expect((await curl(commands[3]!)).json().headers['x-debug']).toBe('verbose');

    // The `)` back: ok again.
    save(policyFile, good);
    await until(async () => ((await curl(commands[5]!)).json().status === 'ok' ? true : undefined), 'health to be ok again');

    // 6. The test, run by `gatehouse policy test`.
    writeFileSync(path.join(dir, 'debug-header', 'policy.test.ts'), fileBlock('debug-header/policy.test.ts'));
    const tested = await gatehouse(commands[6]!);
    expect(tested.out).toContain('✔ adds the header when ?debug=1 says so, and only then');
    expect(tested.code).toBe(0);
  }, 180_000);
});
