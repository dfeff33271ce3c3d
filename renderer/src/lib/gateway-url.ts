/** Where an API answers: its gateway's listener plus its base path. */
import type { Api, Gateway } from '../../../shared/contract/models';

export function gatewayOrigin(gateway: Pick<Gateway, 'port' | 'host'> | undefined, fallbackPort?: number): string | undefined {
  const port = gateway?.port ?? fallbackPort;
  if (!port) return undefined;
  const host = !gateway?.host || gateway.host === '0.0.0.0' || gateway.host === '::' ? '127.0.0.1' : gateway.host.includes(':') ? `[${gateway.host}]` : gateway.host;
  return `http://${host}:${port}`;
}

export function apiUrl(api: Pick<Api, 'basePath' | 'gatewayId'>, gateways: readonly Gateway[], fallbackPort?: number): string | undefined {
  const origin = gatewayOrigin(
    gateways.find((g) => g.id === api.gatewayId),
    fallbackPort,
  );
  if (!origin) return undefined;
  return origin + (api.basePath === '/' ? '' : api.basePath);
}
