/** Create an SLA tier: a name, one or more limits (N requests per period) and its approval mode. */
import { useState, type FormEvent } from 'react';
import { slaTierCreateSchema } from '../../../../../shared/contract/models';
import { useSubmit } from '../../../lib/use-submit';
import { useActions } from '../../../state/store';
import { Banner } from '../../../ui/banner';
import { Button, IconButton } from '../../../ui/button';
import { Dialog } from '../../../ui/dialog';
import { Field } from '../../../ui/field';

const UNITS = [
  { label: 'second', ms: 1000 },
  { label: 'minute', ms: 60_000 },
  { label: 'hour', ms: 3_600_000 },
  { label: 'day', ms: 86_400_000 },
];

interface LimitRow {
  maximumRequests: string;
  amount: string;
  unitMs: number;
}

export function TierDialog({ apiId, onClose }: { apiId: string; onClose(): void }) {
  const { createTier, pushToast } = useActions();
  const submit = useSubmit();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [approval, setApproval] = useState<'automatic' | 'manual'>('automatic');
  const [limits, setLimits] = useState<LimitRow[]>([{ maximumRequests: '100', amount: '1', unitMs: 60_000 }]);

  const setLimit = (index: number, patch: Partial<LimitRow>) => setLimits(limits.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = {
      apiId,
      name: name.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      approval,
      limits: limits.map((row) => ({ maximumRequests: Number(row.maximumRequests), timePeriodInMilliseconds: Math.round(Number(row.amount) * row.unitMs) })),
    };
    const tier = await submit.run(() => createTier(input), { schema: slaTierCreateSchema, input });
    if (!tier) return;
    pushToast({ kind: 'success', title: `Tier ${tier.name} created` });
    onClose();
  }

  return (
    <Dialog title="New SLA tier" description="Applications get a tier with their contract; SLA-based rate limiting enforces its limits." onClose={onClose}>
      <form className="form" onSubmit={onSubmit} noValidate>
        <div className="form-row">
          <Field label="Name" error={submit.fields.name} required className="grow">
            <input className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="Gold" data-autofocus />
          </Field>
          <Field label="Approval" hint="Manual: contracts wait for your approval." error={submit.fields.approval} className="grow">
            <select className="select" value={approval} onChange={(e) => setApproval(e.target.value as 'automatic' | 'manual')}>
              <option value="automatic">Automatic</option>
              <option value="manual">Manual</option>
            </select>
          </Field>
        </div>
        <Field label="Description" error={submit.fields.description}>
          <input className="input" value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <fieldset className="fieldset">
          <legend className="fieldset-legend">Limits</legend>
          {limits.map((row, index) => (
            <div key={index} className="list-item-row">
              <Field label="Requests" error={submit.fields[`limits[${index}].maximumRequests`]} className="grow">
                <input className="input" type="number" min={1} value={row.maximumRequests} onChange={(e) => setLimit(index, { maximumRequests: e.target.value })} />
              </Field>
              <span className="per">per</span>
              <Field label="Period" error={submit.fields[`limits[${index}].timePeriodInMilliseconds`]} className="field-narrow">
                <input className="input" type="number" min={1} value={row.amount} onChange={(e) => setLimit(index, { amount: e.target.value })} />
              </Field>
              <Field label="Unit" className="field-narrow">
                <select className="select" value={row.unitMs} onChange={(e) => setLimit(index, { unitMs: Number(e.target.value) })}>
                  {UNITS.map((unit) => (
                    <option key={unit.ms} value={unit.ms}>
                      {unit.label}
                    </option>
                  ))}
                </select>
              </Field>
              <IconButton icon="x" label={`Remove limit ${index + 1}`} disabled={limits.length === 1} onClick={() => setLimits(limits.filter((_, i) => i !== index))} />
            </div>
          ))}
          {submit.fields.limits ? <div className="field-error" role="alert">{submit.fields.limits}</div> : null}
          <Button size="sm" icon="plus" onClick={() => setLimits([...limits, { maximumRequests: '1000', amount: '1', unitMs: 3_600_000 }])}>
            Add limit
          </Button>
        </fieldset>
        {submit.error ? <Banner kind="error">{submit.error}</Banner> : null}
        <div className="dialog-footer">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" pending={submit.pending}>
            Create tier
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
