/** Scale a docker gateway: the wanted replica count (gateways.update desiredReplicas). */
import { useEffect, useState, type FormEvent } from 'react';
import { gatewayPatchSchema, type Gateway } from '../../../../shared/contract/models';
import { useSubmit } from '../../lib/use-submit';
import { useActions } from '../../state/store';
import { Button } from '../../ui/button';
import { Field } from '../../ui/field';

export function ScaleControl({ gateway }: { gateway: Gateway }) {
  const { updateGateway, pushToast } = useActions();
  const submit = useSubmit();
  const [value, setValue] = useState(String(gateway.desiredReplicas));
  // Follow changes made elsewhere (the edit dialog, another window) until the user types.
  useEffect(() => setValue(String(gateway.desiredReplicas)), [gateway.desiredReplicas]);
  const wanted = Number(value);
  const unchanged = value.trim() !== '' && wanted === gateway.desiredReplicas;

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const patch = { desiredReplicas: value.trim() === '' ? Number.NaN : wanted };
    const saved = await submit.run(() => updateGateway(gateway.id, patch), { schema: gatewayPatchSchema, input: patch });
    if (saved) pushToast({ kind: 'success', title: `${saved.name}: ${saved.desiredReplicas} replica${saved.desiredReplicas === 1 ? '' : 's'} wanted`, message: 'Replicas start or stop in the background.' });
  }

  return (
    <form className="row" style={{ marginLeft: 'auto', alignItems: 'flex-end' }} onSubmit={onSubmit} noValidate aria-label={`Scale ${gateway.name}`}>
      <Field label="Replicas" error={submit.fields.desiredReplicas ?? submit.error}>
        <input className="input" type="number" min={0} max={20} value={value} onChange={(e) => setValue(e.target.value)} style={{ width: '6rem' }} />
      </Field>
      <Button size="sm" type="submit" pending={submit.pending} disabled={unchanged}>
        Scale
      </Button>
    </form>
  );
}
