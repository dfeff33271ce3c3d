/**
 * Host ports for replicas: replica i of a gateway on port P gets P + i when nobody holds it
 * (another gateway, another replica, any process on the host), else a free port the OS picks.
 */
import net from 'node:net';

/** Whether `port` can be bound on `host` right now. */
export function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function osFreePort(host: string): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A port for a new replica: `preferred` unless it is in `taken` or cannot be bound on `host`.
 * `0.0.0.0` is checked as is (a wildcard bind conflicts with any bind on that port).
 */
export async function pickReplicaPort(preferred: number, host: string, taken: ReadonlySet<number>): Promise<number> {
  const bindHost = host === '' ? '0.0.0.0' : host;
  if (preferred > 0 && preferred <= 65_535 && !taken.has(preferred) && (await canBind(preferred, bindHost))) return preferred;
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await osFreePort(bindHost);
    if (!taken.has(port)) return port;
  }
  throw new Error(`no free port on ${bindHost} for a replica`);
}
