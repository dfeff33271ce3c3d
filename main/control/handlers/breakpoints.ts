/**
 * Breakpoints on the embedded gateway (issue 15): the rules, the paused messages, and the
 * developer's decisions. Rules live in memory in the gateway's BreakpointController; the
 * `breakpoints.changed` event (wired in control-plane.ts) keeps the UI current.
 */
import { ContractError, ContractErrorCode } from '../../../shared/contract/errors';
import type { ContractHandlers } from '../../../shared/contract/methods';
import { BreakpointEditError, PausedMessageGone, type BreakpointController } from '../../gateway/breakpoints';
import type { HandlerContext } from './context';

type BreakpointHandlers = Pick<
  ContractHandlers,
  'breakpoints.get' | 'breakpoints.set' | 'breakpoints.paused' | 'breakpoints.resume' | 'breakpoints.respond' | 'breakpoints.drop'
>;

export function breakpointHandlers(ctx: Pick<HandlerContext, 'breakpoints'>): BreakpointHandlers {
  const controller = (): BreakpointController => ctx.breakpoints;
  return {
    'breakpoints.get': async () => controller().state(),
    'breakpoints.set': async ({ rules, timeoutMs }) => controller().setRules(rules, timeoutMs),
    'breakpoints.paused': async ({ id }) => decide(() => controller().view(id)),
    'breakpoints.resume': async ({ id, ...edit }) => {
      const hasEdit = edit.method !== undefined || edit.url !== undefined || edit.status !== undefined || edit.headers !== undefined || edit.body !== undefined;
      decide(() => controller().resume(id, hasEdit ? edit : undefined));
      return controller().state();
    },
    'breakpoints.respond': async ({ id, ...response }) => {
      decide(() => controller().respond(id, response));
      return controller().state();
    },
    'breakpoints.drop': async ({ id }) => {
      decide(() => controller().drop(id));
      return controller().state();
    },
  };
}

/** The controller's errors as the contract's: 404 for a message no longer paused, 400 naming the field of a misfit edit. */
function decide<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof PausedMessageGone) throw new ContractError(ContractErrorCode.notFound, error.message);
    if (error instanceof BreakpointEditError) throw ContractError.validation([{ path: error.field, message: error.message }]);
    throw error;
  }
}
