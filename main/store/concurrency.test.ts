import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_GATEWAY_ID } from './gateways';
import { Store } from './store';

// Two real processes (and a third connection in this one) write to one file at once: WAL and
// the busy timeout must make them wait for each other, never surface SQLITE_BUSY.
let workDir: string;
let writerScript: string;
const repoRoot = path.resolve(__dirname, '../..');

beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-concurrency-'));
  writerScript = path.join(workDir, 'writer.cjs');
  await build({
    entryPoints: [path.join(__dirname, 'testing/writer-process.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    outfile: writerScript,
    logLevel: 'silent',
  });
});
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function runWriter(dataDir: string, prefix: string, count: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [writerScript, dataDir, prefix, String(count)], {
      env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('concurrent writers', () => {
  it('two processes and this one write to one data dir at once without SQLITE_BUSY', async () => {
    const dataDir = path.join(workDir, 'data');
    const store = Store.open(dataDir);
    store.ensureEmbeddedGateway(18081);
    const count = 150;
    const writers = [runWriter(dataDir, 'a', count), runWriter(dataDir, 'b', count)];
    // Meanwhile this process writes too, yielding between transactions.
    for (let i = 0; i < 50; i += 1) {
      store.transaction(() => {
        store.apis.insert({ name: `c-${i}`, implementationUrl: 'http://127.0.0.1:3000/', basePath: `/c-${i}`, gatewayId: EMBEDDED_GATEWAY_ID });
      });
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const results = await Promise.all(writers);
    for (const result of results) expect(result.output.trim()).toBe(`done ${count}`);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect(store.apis.list()).toHaveLength(2 * count + 50);
    expect(store.policies.list()).toHaveLength(2 * count);
    expect(store.settings.all()).toEqual({ 'a-last': count - 1, 'b-last': count - 1 });
    store.close();
  });

  it('a second connection sees committed writes of the first and notices them by data_version', () => {
    const dataDir = path.join(workDir, 'versions');
    const writer = Store.open(dataDir);
    writer.ensureEmbeddedGateway(18081);
    const reader = Store.open(dataDir, { migrate: false });
    const before = reader.dataVersion();
    writer.settings.set('x', 1);
    expect(reader.dataVersion()).not.toBe(before);
    expect(reader.settings.get('x')).toBe(1);
    reader.close();
    writer.close();
  });
});
