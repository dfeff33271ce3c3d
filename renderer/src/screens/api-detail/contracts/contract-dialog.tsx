/** Request a contract for an application on this API (approved at once unless the tier is manual). */
import { useState, type FormEvent } from 'react';
import { contractCreateSchema, type SlaTier } from '../../../../../shared/contract/models';
import { useSubmit } from '../../../lib/use-submit';
import { formatPeriod } from '../../../lib/format';
import { useActions, useAppStore } from '../../../state/store';
import { Banner } from '../../../ui/banner';
import { Button } from '../../../ui/button';
import { Dialog } from '../../../ui/dialog';
import { Field } from '../../../ui/field';

export function tierLimits(tier: SlaTier): string {
  return tier.limits.map((l) => `${l.maximumRequests} / ${formatPeriod(l.timePeriodInMilliseconds)}`).join(', ');
}

export function ContractDialog({ apiId, tiers, onClose }: { apiId: string; tiers: SlaTier[]; onClose(): void }) {
  const applications = useAppStore((s) => s.applications);
  const contracts = useAppStore((s) => s.contracts);
  const { createContract, pushToast, openDialog } = useActions();
  const submit = useSubmit();
  const free = applications.filter((app) => !contracts.some((c) => c.apiId === apiId && c.applicationId === app.id));
  const [applicationId, setApplicationId] = useState(free[0]?.id ?? '');
  const active = tiers.filter((t) => t.status === 'active');
  const [tierId, setTierId] = useState(active[0]?.id ?? '');

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = { apiId, applicationId, ...(tierId ? { tierId } : {}) };
    const contract = await submit.run(() => createContract(input), { schema: contractCreateSchema, input });
    if (!contract) return;
    pushToast({ kind: 'success', title: contract.status === 'approved' ? 'Contract approved' : 'Contract requested', message: contract.status === 'pending' ? 'It waits for your approval (manual tier).' : undefined });
    onClose();
  }

  return (
    <Dialog title="New contract" description="Lets an application call this API with its client id and secret." onClose={onClose}>
      {applications.length === 0 ? (
        <div className="stack">
          <Banner kind="info">There is no application yet. Create one first: it gets the client id and secret callers send.</Banner>
          <div className="dialog-footer">
            <Button variant="ghost" onClick={onClose}>
              Cancel
            </Button>
            <Button variant="primary" onClick={() => (onClose(), openDialog({ name: 'add-application' }))}>
              Add application
            </Button>
          </div>
        </div>
      ) : (
        <form className="form" onSubmit={onSubmit} noValidate>
          <Field label="Application" error={submit.fields.applicationId} required>
            <select className="select" value={applicationId} onChange={(e) => setApplicationId(e.target.value)} data-autofocus>
              {free.length === 0 ? <option value="">Every application already has a contract</option> : null}
              {free.map((app) => (
                <option key={app.id} value={app.id}>
                  {app.name} ({app.clientId})
                </option>
              ))}
            </select>
          </Field>
          <Field label="SLA tier" hint="Without a tier, only client ID enforcement applies." error={submit.fields.tierId}>
            <select className="select" value={tierId} onChange={(e) => setTierId(e.target.value)}>
              <option value="">No tier</option>
              {active.map((tier) => (
                <option key={tier.id} value={tier.id}>
                  {tier.name}: {tierLimits(tier)} ({tier.approval})
                </option>
              ))}
            </select>
          </Field>
          {submit.error ? <Banner kind="error">{submit.error}</Banner> : null}
          <div className="dialog-footer">
            <Button variant="ghost" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" variant="primary" pending={submit.pending} disabled={!applicationId}>
              Create contract
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
