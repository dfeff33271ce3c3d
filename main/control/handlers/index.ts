/**
 * Every contract method, implemented: the object the HTTP and IPC adapters call.
 */
import type { BaseHandlers } from '../docker-gateway-handlers';
import { alertHandlers } from './alerts';
import { breakpointHandlers } from './breakpoints';
import { collectionHandlers } from './collections';
import { customPolicyHandlers } from './custom-policies';
import { apiHandlers } from './apis';
import { configHandlers } from './config-and-try';
import type { HandlerContext } from './context';
import { gatewayHandlers } from './gateways';
import { identityHandlers } from './identity';
import { mockHandlers } from './mocks';
import { systemHandlers } from './system';
import { tokenHandlers } from './tokens';

export type { HandlerContext } from './context';

/** All but the docker-only methods, which docker-gateway-handlers.ts layers on top. */
export function createHandlers(ctx: HandlerContext): BaseHandlers {
  return {
    ...apiHandlers(ctx),
    ...gatewayHandlers(ctx),
    ...identityHandlers(ctx),
    ...alertHandlers(ctx),
    ...systemHandlers(ctx),
    ...configHandlers(ctx),
    ...tokenHandlers(ctx),
    ...mockHandlers(ctx),
    ...breakpointHandlers(ctx),
    ...collectionHandlers(ctx),
    ...customPolicyHandlers(ctx),
  };
}
