/**
 * Every contract method, implemented: the object the HTTP and IPC adapters call.
 */
import type { ContractHandlers } from '../../../shared/contract/methods';
import { alertHandlers } from './alerts';
import { apiHandlers } from './apis';
import { configHandlers } from './config-and-try';
import type { HandlerContext } from './context';
import { gatewayHandlers } from './gateways';
import { identityHandlers } from './identity';
import { systemHandlers } from './system';

export type { HandlerContext } from './context';

export function createHandlers(ctx: HandlerContext): ContractHandlers {
  return {
    ...apiHandlers(ctx),
    ...gatewayHandlers(ctx),
    ...identityHandlers(ctx),
    ...alertHandlers(ctx),
    ...systemHandlers(ctx),
    ...configHandlers(ctx),
  };
}
