import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { toCurl } from './curl';

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
