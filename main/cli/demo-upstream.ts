/** `gatehouse demo-upstream`: the bundled JSONPlaceholder-like API, for tutorials and tests. */
import { startDemoUpstream } from '../demo/server';
import { parseCommandArgs, portOption } from './args';
import type { CliCommand } from './command';
import { untilSignal } from './signals';

const usage = `Usage: gatehouse demo-upstream [--port 3000] [--host 127.0.0.1]

Serves a JSONPlaceholder-like REST API from memory: /users, /posts, /comments, /todos
(GET, POST, PUT, PATCH, DELETE; ?userId= style filters; /posts/1/comments nesting), plus
/health, /slow?ms=1500 (for timeouts), /status/503 (for errors and alerts) and /echo.`;

export const demoUpstreamCommand: CliCommand = {
  name: 'demo-upstream',
  summary: 'serve the bundled JSONPlaceholder-like demo API',
  usage,
  async run(argv) {
    const { values } = parseCommandArgs(argv, { port: { type: 'string', short: 'p' }, host: { type: 'string' } });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const port = portOption(values.port as string | undefined, 'port', 3000);
    let upstream;
    try {
      upstream = await startDemoUpstream({ port, host: (values.host as string | undefined) ?? '127.0.0.1' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      process.stderr.write(`gatehouse demo-upstream: cannot listen on port ${port}: ${code === 'EADDRINUSE' ? 'the port is already in use (try --port)' : (error as Error).message}\n`);
      return 1;
    }
    process.stdout.write(`demo upstream listening on ${upstream.url} (/users, /posts, /comments, /todos, /health, /slow, /status/:code, /echo)\n`);
    await untilSignal();
    await upstream.close();
    return 0;
  },
};
