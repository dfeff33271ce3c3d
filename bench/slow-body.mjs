// `npm run bench:slow-body`: the slow-request-body attack (slowhttptest -B) against a local-mode
// gateway, with one ordinary GET a second through the same gateway while it lasts; prints how
// many of those probes were answered. Goal (issue 11): at least 35 of 36 over 30 s with 500
// slow clients. Needs Debian's slowhttptest.
//
// Environment: SLOW_CLIENTS (500), SLOW_SECONDS (30), SLOW_INTERVAL (s between body bytes, 10),
// GATEHOUSE_BIN (the CLI to start, default bin/gatehouse.cjs: point it at another checkout to
// compare).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startProcess, waitForHttp } from './processes.mjs';

const CLIENTS = Number(process.env.SLOW_CLIENTS ?? 500);
const SECONDS = Number(process.env.SLOW_SECONDS ?? 30);
const INTERVAL = Number(process.env.SLOW_INTERVAL ?? 10);
const BIN = process.env.GATEHOUSE_BIN ?? 'bin/gatehouse.cjs';
const PROBE_TIMEOUT_MS = 2000;

if (spawnSync('slowhttptest', ['-h']).error) {
  console.error('bench:slow-body needs slowhttptest (apt-get install slowhttptest)');
  process.exit(2);
}

/** One GET through the gateway; true when it was answered 200 within PROBE_TIMEOUT_MS. */
function probe(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: PROBE_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

const workDir = mkdtempSync(path.join(tmpdir(), 'gatehouse-slow-body-'));
try {
  const upstreamPort = await freePort();
  startProcess([BIN, 'demo-upstream', '--port', String(upstreamPort)]);
  await waitForHttp(`http://127.0.0.1:${upstreamPort}/users/1`);
  const port = await freePort();
  const config = path.join(workDir, 'api.yaml');
  writeFileSync(
    config,
    `apiVersion: gateway.mulesoft.com/v1alpha1
kind: ApiInstance
metadata:
  name: slow
spec:
  address: http://127.0.0.1:${port}/api/
  services:
    upstream:
      address: http://127.0.0.1:${upstreamPort}/
      routes:
        - config:
            destinationPath: /
`,
  );
  startProcess([BIN, 'gateway', '--config', config, '--quiet']);
  const probeUrl = `http://127.0.0.1:${port}/api/users/1`;
  await waitForHttp(probeUrl);

  const attack = spawn(
    'slowhttptest',
    ['-B', '-c', String(CLIENTS), '-r', '500', '-i', String(INTERVAL), '-s', '8192', '-l', String(SECONDS + 10), '-t', 'POST', '-u', `http://127.0.0.1:${port}/api/posts`],
    { stdio: 'ignore' },
  );
  // Let the slow clients connect before probing.
  await sleep(3000);
  const probes = SECONDS + 6;
  let answered = 0;
  for (let i = 0; i < probes; i++) {
    const started = Date.now();
    if (await probe(probeUrl)) answered++;
    await sleep(Math.max(0, 1000 - (Date.now() - started)));
  }
  attack.kill('SIGINT');
  console.log(`slow request bodies: ${CLIENTS} slowhttptest -B clients (a byte every ${INTERVAL} s) against ${BIN}`);
  console.log(`probes answered within ${PROBE_TIMEOUT_MS} ms: ${answered} of ${probes} (goal: at least ${probes - 1})`);
  process.exitCode = answered >= probes - 1 ? 0 : 1;
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
