/**
 * YAML alias bombs and oversized files through the built CLI, as a user runs it: `validate`
 * and `import` refuse them with `file:line: too many aliases …` (import changing nothing), and
 * a bomb dropped into the conf.d of a running `gatehouse gateway --config` is a rejected reload:
 * the last good config keeps serving and /.gatehouse/health names the file and line.
 * No timing assertions: a bomb that got through hangs or kills the child, which fails the test.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { yamlBomb } from '../../shared/testing/yaml-bomb';
import { MAX_YAML_BYTES } from '../../shared/yaml-safe';
import { eventually } from '../testing/admin-plane';
import { freePort, request, startEchoUpstream, type TestServer } from '../testing/net';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = path.join(root, 'bin', 'gatehouse.cjs');
const dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-cli-bomb-'));

function gatehouse(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  await new Promise<void>((resolve, reject) =>
    execFile(process.execPath, ['scripts/build.mjs'], { cwd: root }, (error, _out, stderr) => (error ? reject(new Error(stderr)) : resolve())),
  );
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An API on `port`, its rate limit written once as an anchor and used again by an alias. */
const apiYaml = (port: number, upstream: string, limit: number) => `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: echo
spec:
  address: http://127.0.0.1:${port}/echo/
  services:
    upstream:
      address: ${upstream}
  policies:
    - policyRef:
        name: rate-limiting-flex
      config: &limits
        rateLimits:
          - maximumRequests: ${limit}
            timePeriodInMilliseconds: 60000
        exposeHeaders: true
    - policyRef:
        name: rate-limiting-flex
      config: *limits
`;

const bomb = yamlBomb();
const aliasRefusal = (file: string) => new RegExp(`^${file.replace(/[.]/g, '\\.')}:(\\d+): too many aliases: \\*l\\d `, 'm');
const lineOf = (output: string, file: string) => Number(aliasRefusal(file).exec(output)![1]);

describe('gatehouse validate / import with a YAML alias bomb', () => {
  it('validate exits 2 naming the file, the line of the alias and "too many aliases"', async () => {
    writeFileSync(path.join(dir, 'bomb.yaml'), bomb.text);
    const result = await gatehouse(['validate', 'bomb.yaml']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toMatch(aliasRefusal('bomb.yaml'));
    expect(bomb.aliasLines).toContain(lineOf(result.stdout, 'bomb.yaml'));
    expect(result.stdout).toContain('bomb.yaml: invalid, 1 error\n');
  });

  it('validate refuses a file over the size limit, saying the limit', async () => {
    writeFileSync(path.join(dir, 'huge.yaml'), `# ${'x'.repeat(MAX_YAML_BYTES)}\n`);
    const result = await gatehouse(['validate', 'huge.yaml']);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('huge.yaml: too large (4.0 MiB): a YAML file may have at most 4 MiB\n');
  });

  it('import refuses the bomb and the store is unchanged; a file with ordinary anchors imports', async () => {
    const dataDir = mkdtempSync(path.join(dir, 'data-'));
    writeFileSync(path.join(dir, 'good.yaml'), apiYaml(await freePort(), 'http://127.0.0.1:3000/', 7));
    const good = await gatehouse(['import', 'good.yaml', '--data-dir', dataDir]);
    expect(good.code, good.stdout + good.stderr).toBe(0);
    const before = await gatehouse(['export', '--data-dir', dataDir]);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain('maximumRequests: 7');

    const refused = await gatehouse(['import', 'bomb.yaml', '--data-dir', dataDir]);
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stdout).toMatch(aliasRefusal('bomb.yaml'));
    expect(bomb.aliasLines).toContain(lineOf(refused.stdout, 'bomb.yaml'));
    expect(refused.stdout).toContain('bomb.yaml: 1 error, nothing was imported\n');
    expect((await gatehouse(['export', '--data-dir', dataDir])).stdout).toBe(before.stdout);

    const huge = await gatehouse(['import', 'huge.yaml', '--data-dir', dataDir]);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toContain('huge.yaml: too large (4.0 MiB): a YAML file may have at most 4 MiB');
    expect((await gatehouse(['export', '--data-dir', dataDir])).stdout).toBe(before.stdout);
  }, 120_000); // six CLI runs one after another: a loaded 2-core machine takes seconds to start each
});

describe('gatehouse gateway --config with a YAML alias bomb dropped into conf.d', () => {
  let upstream: TestServer;
  let child: ChildProcess;
  let output = '';
  let port: number;
  const confd = mkdtempSync(path.join(dir, 'conf.d-'));
  const health = async () => (await request(`http://127.0.0.1:${port}/.gatehouse/health`)).json<{ status: string; lastConfigError: { file?: string; line?: number; message: string } | null }>();

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    port = await freePort();
    writeFileSync(path.join(confd, 'api.yaml'), apiYaml(port, upstream.url, 1000));
    child = spawn(process.execPath, [bin, 'gateway', '--config', confd, '--quiet'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(() => output.includes('watching'), 10_000);
  }, 20_000);
  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await upstream.close();
  });

  it('keeps serving the last good config, shows the refusal on health, and recovers when the bomb is gone', async () => {
    const served = await request(`http://127.0.0.1:${port}/echo/one`);
    expect(served.status).toBe(200);
    expect(served.headers['x-ratelimit-limit']).toBe('1000');

    const bombFile = path.join(confd, 'bomb.yaml');
    writeFileSync(bombFile, bomb.text);
    const degraded = await eventually(async () => {
      const body = await health();
      return body.status === 'degraded' ? body : undefined;
    });
    expect(degraded.lastConfigError).toMatchObject({ file: bombFile, message: expect.stringContaining(`${bombFile}:${degraded.lastConfigError!.line}: too many aliases: `) });
    expect(bomb.aliasLines).toContain(degraded.lastConfigError!.line);
    expect(output).toMatch(/config change rejected, still serving [0-9a-f]{12}/);

    const still = await request(`http://127.0.0.1:${port}/echo/two`);
    expect(still.status).toBe(200);
    expect(still.headers['x-ratelimit-limit']).toBe('1000');
    expect(child.exitCode).toBeNull();

    rmSync(bombFile);
    await eventually(async () => (await health()).status === 'ok');
    expect((await health()).lastConfigError).toBeNull();
  });
});
