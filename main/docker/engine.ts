/**
 * Finding the Docker engine: DOCKER_HOST (unix://, npipe://, tcp:// with DOCKER_TLS_VERIFY /
 * DOCKER_CERT_PATH, ssh://), else the platform's default socket or named pipe. `probeDocker`
 * answers within a couple of seconds with plain data, never a stack trace: when no engine
 * answers, the app keeps running its embedded gateway and shows what to do.
 */
import Docker from 'dockerode';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DOCKER_NOT_RUNNING = 'Docker is not running — start Docker Desktop or `sudo systemctl start docker`; the embedded gateway keeps working';

export type NetworkMode = 'host' | 'bridge';

export interface DockerStatus {
  available: boolean;
  /** Engine version, e.g. `20.10.24`. */
  version?: string;
  /** What the UI shows: the engine and how replicas reach the host, or what to do. */
  message: string;
  /** Where the engine was looked for (socket path or URL). */
  endpoint: string;
  /** How replicas reach upstreams and the control plane on the host's 127.0.0.1. */
  networkMode?: NetworkMode;
  networkModeMessage?: string;
  /** Docker Desktop (macOS/Windows, or Linux with Desktop). */
  desktop?: boolean;
}

export interface EngineConnection {
  options: Docker.DockerOptions;
  endpoint: string;
}

/** Connection options for DOCKER_HOST, else the platform default. */
export function engineConnection(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): EngineConnection {
  const dockerHost = env.DOCKER_HOST?.trim();
  if (!dockerHost) {
    if (platform === 'win32') return { options: { socketPath: '//./pipe/docker_engine' }, endpoint: 'npipe:////./pipe/docker_engine' };
    // Docker Desktop (macOS, and newer Linux installs) puts the socket in the user's home.
    const userSocket = path.join(env.HOME ?? os.homedir(), '.docker', 'run', 'docker.sock');
    const socketPath = !existsSync('/var/run/docker.sock') && existsSync(userSocket) ? userSocket : '/var/run/docker.sock';
    return { options: { socketPath }, endpoint: `unix://${socketPath}` };
  }
  if (dockerHost.startsWith('unix://')) {
    const socketPath = dockerHost.slice('unix://'.length) || '/var/run/docker.sock';
    return { options: { socketPath }, endpoint: dockerHost };
  }
  if (dockerHost.startsWith('npipe://')) return { options: { socketPath: dockerHost.slice('npipe://'.length) || '//./pipe/docker_engine' }, endpoint: dockerHost };
  let url: URL;
  try {
    url = new URL(dockerHost.includes('//') ? dockerHost : `tcp://${dockerHost}`);
  } catch {
    throw new Error(`DOCKER_HOST should look like unix:///var/run/docker.sock or tcp://127.0.0.1:2375, got "${dockerHost}"`);
  }
  if (url.protocol === 'ssh:') return { options: { protocol: 'ssh', host: url.hostname, port: url.port || 22, username: url.username || undefined, sshOptions: { agent: env.SSH_AUTH_SOCK } }, endpoint: dockerHost };
  const tls = env.DOCKER_TLS_VERIFY === '1' || url.port === '2376';
  const options: Docker.DockerOptions = { protocol: tls ? 'https' : 'http', host: url.hostname, port: url.port || (tls ? 2376 : 2375) };
  if (env.DOCKER_CERT_PATH) {
    options.ca = readFileSync(path.join(env.DOCKER_CERT_PATH, 'ca.pem'));
    options.cert = readFileSync(path.join(env.DOCKER_CERT_PATH, 'cert.pem'));
    options.key = readFileSync(path.join(env.DOCKER_CERT_PATH, 'key.pem'));
  }
  return { options, endpoint: dockerHost };
}

export function createDockerClient(connection: EngineConnection): Docker {
  return new Docker(connection.options);
}

/** How replicas reach the host's 127.0.0.1: host networking on a Linux engine, else bridge + host.docker.internal. */
export function chooseNetworkMode(info: { OperatingSystem?: string; OSType?: string }, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): NetworkMode {
  const forced = env.GATEHOUSE_DOCKER_NETWORK?.trim();
  if (forced === 'host' || forced === 'bridge') return forced;
  return platform === 'linux' && !isDesktop(info) ? 'host' : 'bridge';
}

function isDesktop(info: { OperatingSystem?: string }): boolean {
  return /docker desktop/i.test(info.OperatingSystem ?? '');
}

export function describeNetworkMode(mode: NetworkMode): string {
  return mode === 'host'
    ? 'Host networking: each replica shares the host network and listens on its own host port (the gateway port + replica index); upstreams and the control plane on 127.0.0.1 are reached directly.'
    : 'Bridge networking (Docker Desktop): each replica publishes its port on the host; upstream and control-plane addresses on 127.0.0.1 or localhost are rewritten to host.docker.internal inside the containers.';
}

/** Asks the engine who it is, within `timeoutMs`. Never throws. */
export async function probeDocker(docker: Docker, endpoint: string, timeoutMs = 3000, env: NodeJS.ProcessEnv = process.env): Promise<DockerStatus> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    // dockerode takes an abortSignal on these calls; its typings do not say so.
    const engine = docker as unknown as { version(options: { abortSignal: AbortSignal }): Promise<Docker.DockerVersion>; info(options: { abortSignal: AbortSignal }): Promise<{ OperatingSystem?: string; OSType?: string }> };
    const [version, info] = await Promise.all([engine.version({ abortSignal: signal }), engine.info({ abortSignal: signal })]);
    if (info.OSType && info.OSType !== 'linux')
      return { available: false, endpoint, message: `Docker is running Windows containers; switch Docker Desktop to Linux containers to run gateway replicas. The embedded gateway keeps working.` };
    const networkMode = chooseNetworkMode(info, env);
    return {
      available: true,
      version: version.Version,
      endpoint,
      desktop: isDesktop(info),
      networkMode,
      networkModeMessage: describeNetworkMode(networkMode),
      message: `Docker ${version.Version} (${info.OperatingSystem ?? 'engine'}) at ${endpoint}; ${networkMode} networking`,
    };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const detail = signal.aborted ? `no answer within ${timeoutMs} ms` : code === 'EACCES' ? 'permission denied on the Docker socket (add your user to the docker group)' : (code ?? shortMessage(error));
    const message = code === 'EACCES' ? `Docker is running but ${endpoint} is not accessible: permission denied — add your user to the "docker" group; the embedded gateway keeps working` : DOCKER_NOT_RUNNING;
    return { available: false, endpoint, message: `${message} (${endpoint}: ${detail})` };
  }
}

function shortMessage(error: unknown): string {
  const text = (error as Error)?.message ?? String(error);
  return text.split('\n')[0]!.slice(0, 200);
}
