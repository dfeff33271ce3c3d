/**
 * Live states policies report about themselves (PolicyCompileContext.reportState), by API and
 * binding: today a circuit breaker that is open. Read by the control plane for the API view
 * and published on its event bus at each change; a reload forgets bindings that are gone.
 */
import type { PolicyState } from '../policies/types';

export interface BindingStateChange extends PolicyState {
  apiId: string;
  apiName: string;
  bindingId: string;
  policy: string;
  at: number;
}

export class BindingStates {
  private readonly states = new Map<string, BindingStateChange>();
  private readonly listeners = new Set<(change: BindingStateChange) => void>();

  constructor(private readonly onListenerError: (error: Error) => void) {}

  report(api: { id: string; name: string }, binding: { id: string; name: string }, state: PolicyState): void {
    const key = `${api.id}\u0000${binding.id}`;
    const previous = this.states.get(key);
    if (previous !== undefined && previous.tripped === state.tripped) return;
    if (previous === undefined && !state.tripped) return;
    const change: BindingStateChange = { apiId: api.id, apiName: api.name, bindingId: binding.id, policy: binding.name, tripped: state.tripped, detail: state.detail, at: Date.now() };
    if (state.tripped) this.states.set(key, change);
    else this.states.delete(key);
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.onListenerError(error as Error);
      }
    }
  }

  /** The bindings tripped right now. */
  tripped(): BindingStateChange[] {
    return [...this.states.values()];
  }

  onChange(listener: (change: BindingStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** After a reload: a binding no longer served cannot stay tripped. */
  retain(live: ReadonlySet<string>): void {
    for (const [key, state] of this.states) if (!live.has(key)) this.report({ id: state.apiId, name: state.apiName }, { id: state.bindingId, name: state.policy }, { tripped: false, detail: 'removed by a reload' });
  }
}
