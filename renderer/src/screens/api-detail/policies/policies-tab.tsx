/**
 * The API's policy chain in run order, with add, reorder, enable/disable, edit and remove + undo,
 * and a warning (with its one-click fix) when CORS runs after a policy that asks for credentials.
 */
import { useEffect, useState } from 'react';
import type { Api, PolicyBinding } from '../../../../../shared/contract/models';
import { findPolicy } from '../../../../../shared/policies/catalogue';
import { corsOrderProblem } from '../../../../../shared/policies/policy-order';
import { errorMessage } from '../../../lib/errors';
import { useActions, useAppStore } from '../../../state/store';
import { Banner } from '../../../ui/banner';
import { Button } from '../../../ui/button';
import { EmptyState, Spinner } from '../../../ui/empty-state';
import { AddPolicyDialog } from './add-policy-dialog';
import { PolicyCard } from './policy-card';

const EMPTY: PolicyBinding[] = [];

export function PoliciesTab({ api }: { api: Api }) {
  const bindings = useAppStore((s) => s.policies[api.id] ?? EMPTY);
  const load = useAppStore((s) => s.policiesLoad[api.id]);
  const { loadPolicies, movePolicy, updatePolicy, removePolicy, restorePolicy, pushToast } = useActions();
  const [adding, setAdding] = useState(false);
  const [actionError, setActionError] = useState<string>();

  useEffect(() => {
    void loadPolicies(api.id);
  }, [api.id, loadPolicies]);

  async function attempt(what: string, action: () => Promise<unknown>) {
    setActionError(undefined);
    try {
      await action();
    } catch (error) {
      setActionError(`${what}: ${errorMessage(error)}`);
    }
  }

  const corsProblem = corsOrderProblem(bindings);

  async function remove(binding: PolicyBinding, position: number) {
    const title = findPolicy(binding.policyRef)?.title ?? binding.policyRef;
    await attempt(`Could not remove ${title}`, async () => {
      const removed = await removePolicy(api.id, binding.id);
      if (!removed) return;
      pushToast({
        kind: 'info',
        title: `${title} removed`,
        action: {
          label: 'Undo',
          run: () =>
            restorePolicy(removed, position).then(
              () => void pushToast({ kind: 'success', title: `${title} restored` }),
              (error: unknown) => void pushToast({ kind: 'error', title: `Could not restore ${title}`, message: errorMessage(error) }),
            ),
        },
      });
    });
  }

  return (
    <div className="stack-lg">
      <div className="toolbar">
        <div>
          <h2 className="section-title">Policies</h2>
          <p className="muted small">Run top to bottom on every request; the first one that rejects a request answers it.</p>
        </div>
        <Button variant="primary" icon="plus" onClick={() => setAdding(true)}>
          Add policy
        </Button>
      </div>
      {load?.status === 'error' ? (
        <Banner kind="error" title="Could not load the policies" action={<Button size="sm" onClick={() => void loadPolicies(api.id)}>Retry</Button>}>
          {load.error}
        </Banner>
      ) : null}
      {actionError ? <Banner kind="error">{actionError}</Banner> : null}
      {corsProblem ? (
        <Banner
          kind="warning"
          title="Browsers cannot call this API"
          action={
            <Button size="sm" onClick={() => void attempt('Could not reorder', () => movePolicy(api.id, bindings[corsProblem.corsIndex]!.id, -corsProblem.corsIndex))}>
              Move CORS first
            </Button>
          }
        >
          CORS runs after {findPolicy(bindings[corsProblem.blockerIndex]!.policyRef)?.title ?? bindings[corsProblem.blockerIndex]!.policyRef}: a browser&apos;s preflight request is sent without
          credentials, so it gets 401 before CORS can answer it, and the page&apos;s call fails.
        </Banner>
      ) : null}
      {load?.status === 'loading' && bindings.length === 0 ? <Spinner label="Loading policies" /> : null}
      {load?.status === 'ready' && bindings.length === 0 ? (
        <EmptyState
          icon="shield"
          title="No policies yet"
          actions={
            <Button variant="primary" icon="plus" onClick={() => setAdding(true)}>
              Add policy
            </Button>
          }
        >
          Requests pass straight to the upstream. Add rate limiting, authentication, CORS or header rules from the catalogue.
        </EmptyState>
      ) : null}
      {bindings.length > 0 ? (
        <ol className="policy-list" aria-label="Policies in run order">
          {bindings.map((binding, index) => (
            <PolicyCard
              key={binding.id}
              binding={binding}
              index={index}
              count={bindings.length}
              onMove={(delta) => void attempt('Could not reorder', () => movePolicy(api.id, binding.id, delta))}
              onToggle={(enabled) => attempt('Could not change the policy', () => updatePolicy(api.id, binding.id, { enabled }))}
              onRemove={() => void remove(binding, index)}
              onSave={async (patch) => {
                await updatePolicy(api.id, binding.id, patch);
                pushToast({ kind: 'success', title: `${findPolicy(binding.policyRef)?.title ?? binding.policyRef} saved` });
              }}
              onDropOn={(draggedId) => {
                const from = bindings.findIndex((b) => b.id === draggedId);
                if (from >= 0) void attempt('Could not reorder', () => movePolicy(api.id, draggedId, index - from));
              }}
            />
          ))}
        </ol>
      ) : null}
      {adding ? <AddPolicyDialog apiId={api.id} existing={bindings} onClose={() => setAdding(false)} /> : null}
    </div>
  );
}
