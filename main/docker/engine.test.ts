/**
 * Engine discovery and the pieces of the Docker manager that need no engine: DOCKER_HOST
 * forms, network mode choice, container configs for host and bridge networking, the spec hash
 * that decides recreation, log frame demultiplexing, and the message when nothing answers.
 */
import { describe, expect, it } from 'vitest';
import { freePort } from '../testing/net';
import { chooseNetworkMode, createDockerClient, DOCKER_NOT_RUNNING, engineConnection, probeDocker } from './engine';
import { canBind, pickReplicaPort } from './host-ports';
import { sharedLibraries } from './node-base';
import { containerConfig, rewriteLoopbackUrl, specHash, type ReplicaSpec } from './replica-containers';
import { demuxFrames } from './replica-logs';

describe('engine discovery', () => {
  it('reads DOCKER_HOST, else the platform default', () => {
    expect(engineConnection({ DOCKER_HOST: 'unix:///tmp/d.sock' }, 'linux').options).toEqual({ socketPath: '/tmp/d.sock' });
    expect(engineConnection({ DOCKER_HOST: 'tcp://10.0.0.5:2375' }, 'linux').options).toMatchObject({ protocol: 'http', host: '10.0.0.5', port: '2375' });
    expect(engineConnection({ DOCKER_HOST: 'tcp://10.0.0.5:2376' }, 'linux').options).toMatchObject({ protocol: 'https' });
    expect(engineConnection({ DOCKER_HOST: 'npipe:////./pipe/docker_engine' }, 'win32').options).toEqual({ socketPath: '//./pipe/docker_engine' });
    expect(engineConnection({}, 'win32').endpoint).toBe('npipe:////./pipe/docker_engine');
    expect(engineConnection({ HOME: '/nonexistent' }, 'linux').options).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(() => engineConnection({ DOCKER_HOST: 'tcp://[bad' }, 'linux')).toThrow(/DOCKER_HOST should look like/);
  });

  it('uses host networking on a Linux engine and bridge on Docker Desktop, unless told', () => {
    expect(chooseNetworkMode({ OperatingSystem: 'Debian GNU/Linux 12 (bookworm)' }, {}, 'linux')).toBe('host');
    expect(chooseNetworkMode({ OperatingSystem: 'Docker Desktop' }, {}, 'linux')).toBe('bridge');
    expect(chooseNetworkMode({ OperatingSystem: 'Docker Desktop' }, {}, 'darwin')).toBe('bridge');
    expect(chooseNetworkMode({ OperatingSystem: 'Ubuntu' }, { GATEHOUSE_DOCKER_NETWORK: 'bridge' }, 'linux')).toBe('bridge');
  });

  it('says Docker is not running, with what to do and where it looked, when nothing answers', async () => {
    const port = await freePort();
    const connection = engineConnection({ DOCKER_HOST: `tcp://127.0.0.1:${port}` }, 'linux');
    const status = await probeDocker(createDockerClient(connection), connection.endpoint, 2000);
    expect(status.available).toBe(false);
    expect(status.message.startsWith(DOCKER_NOT_RUNNING)).toBe(true);
    expect(status.message).toContain(`tcp://127.0.0.1:${port}`);
    expect(status.message).not.toMatch(/\n/);
  });
});

describe('replica containers', () => {
  const spec: ReplicaSpec = {
    gatewayId: 'gw_1',
    index: 1,
    name: 'replica-1',
    image: 'gatehouse/gateway:abc',
    basePort: 9000,
    hostPort: 9001,
    hostIp: '127.0.0.1',
    networkMode: 'host',
    connectUrl: 'http://127.0.0.1:4680',
    token: 'ghr.gw_1.secret',
    instance: 'i1',
  };

  it('runs one labelled container per replica with the connect settings and a restart policy', () => {
    const config = containerConfig(spec);
    expect(config.name).toBe('gatehouse-gw_1-1');
    expect(config.Labels).toMatchObject({ 'dev.gatehouse.gateway': 'gw_1', 'dev.gatehouse.replica': '1', 'dev.gatehouse.port': '9001', 'dev.gatehouse.instance': 'i1' });
    expect(config.Env).toEqual(
      expect.arrayContaining(['GATEHOUSE_CONNECT_URL=http://127.0.0.1:4680', 'GATEHOUSE_TOKEN=ghr.gw_1.secret', 'GATEHOUSE_REPLICA_NAME=replica-1', 'GATEHOUSE_LISTEN_PORT=9001']),
    );
    expect(config.HostConfig).toMatchObject({ NetworkMode: 'host', RestartPolicy: { Name: 'unless-stopped' } });
    expect(config.HostConfig?.PortBindings).toBeUndefined();
  });

  it('publishes the port and maps host.docker.internal with bridge networking', () => {
    const config = containerConfig({ ...spec, networkMode: 'bridge', connectUrl: rewriteLoopbackUrl('http://127.0.0.1:4680') });
    expect(config.HostConfig).toMatchObject({
      NetworkMode: 'bridge',
      PortBindings: { '9001/tcp': [{ HostIp: '127.0.0.1', HostPort: '9001' }] },
      ExtraHosts: ['host.docker.internal:host-gateway'],
    });
    expect(config.Env).toEqual(expect.arrayContaining(['GATEHOUSE_CONNECT_URL=http://host.docker.internal:4680', 'GATEHOUSE_LISTEN_HOST=0.0.0.0', 'GATEHOUSE_LOOPBACK_ALIAS=host.docker.internal']));
  });

  it('recreates a replica when anything it was made from changes', () => {
    const base = specHash(spec);
    expect(specHash({ ...spec })).toBe(base);
    for (const change of [{ token: 'other' }, { image: 'gatehouse/gateway:def' }, { basePort: 9100 }, { connectUrl: 'http://127.0.0.1:4681' }, { networkMode: 'bridge' as const }])
      expect(specHash({ ...spec, ...change })).not.toBe(base);
  });
});

describe('host ports and logs', () => {
  it('gives replica i the gateway port + i when free, else another free port', async () => {
    const port = await freePort();
    expect(await pickReplicaPort(port, '127.0.0.1', new Set())).toBe(port);
    const other = await pickReplicaPort(port, '127.0.0.1', new Set([port]));
    expect(other).not.toBe(port);
    expect(await canBind(other, '127.0.0.1')).toBe(true);
  });

  it('splits the engine log stream into stdout and stderr lines', () => {
    const frame = (type: number, text: string) => {
      const payload = Buffer.from(text);
      const header = Buffer.alloc(8);
      header[0] = type;
      header.writeUInt32BE(payload.length, 4);
      return Buffer.concat([header, payload]);
    };
    const stream = Buffer.concat([frame(1, '2026-01-01T00:00:00.000000000Z hello\n'), frame(2, '2026-01-01T00:00:01.000000000Z oops\n'), frame(1, 'partial')]);
    const { lines, rest } = demuxFrames(stream.subarray(0, stream.length - 3));
    expect(lines).toEqual([
      { stream: 'stdout', at: '2026-01-01T00:00:00.000000000Z', text: 'hello' },
      { stream: 'stderr', at: '2026-01-01T00:00:01.000000000Z', text: 'oops' },
    ]);
    expect(rest.length).toBe(8 + 'partial'.length - 3);
  });

  it.skipIf(process.platform !== 'linux')('lists the shared libraries of the local node binary', () => {
    const libraries = sharedLibraries(process.execPath);
    expect(libraries.some((library) => /libc\.so/.test(library))).toBe(true);
    expect(libraries.every((library) => library.startsWith('/'))).toBe(true);
  });
});
