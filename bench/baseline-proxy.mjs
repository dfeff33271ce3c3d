// The baseline: a bare http-proxy forwarder with a keep-alive agent, as a developer would write it.
import http from 'node:http';
import httpProxy from 'http-proxy';

const [target, port] = [process.argv[2], Number(process.argv[3])];
const proxy = httpProxy.createProxyServer({ target, agent: new http.Agent({ keepAlive: true, maxSockets: 256 }) });
proxy.on('error', (_error, _req, res) => { res.writeHead?.(502); res.end(); });
http.createServer((req, res) => proxy.web(req, res)).listen(port, '127.0.0.1');
