/** Create a gateway (embedded listener or Docker replicas) or change one's name, port, replicas and shared counters. */
import { useState, type FormEvent } from 'react';
import { gatewayCreateSchema, gatewayPatchSchema, type Gateway } from '../../../../shared/contract/models';
import { useSubmit } from '../../lib/use-submit';
import { useActions, useAppStore } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { Field } from '../../ui/field';
import { redisDraftOf, SharedStorageFields, sharedStorageOf, type RedisDraft } from './shared-storage-fields';

export function GatewayDialog({ gateway, onClose }: { gateway?: Gateway; onClose(): void }) {
  const docker = useAppStore((s) => s.systemInfo?.docker);
  const { createGateway, updateGateway, pushToast } = useActions();
  const submit = useSubmit();
  const [name, setName] = useState(gateway?.name ?? '');
  const [kind, setKind] = useState<'embedded' | 'docker'>(gateway?.kind ?? 'docker');
  const [port, setPort] = useState(String(gateway?.port ?? 8082));
  const [replicas, setReplicas] = useState(String(gateway?.desiredReplicas ?? 1));
  const [redis, setRedis] = useState<RedisDraft>(() => redisDraftOf(gateway));
  // Editing sends shared storage only when touched: the saved password is never shown, so resending would drop it.
  const [redisTouched, setRedisTouched] = useState(false);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const common = { name: name.trim(), port: Number(port), ...(kind === 'docker' ? { desiredReplicas: Number(replicas) } : {}) };
    const sharedStorage = kind === 'docker' ? sharedStorageOf(redis) : undefined;
    const patch = { ...common, ...(redisTouched ? { sharedStorage: sharedStorage ?? null } : {}) };
    const create = { ...common, kind, ...(sharedStorage ? { sharedStorage } : {}) };
    const saved = gateway
      ? await submit.run(() => updateGateway(gateway.id, patch), { schema: gatewayPatchSchema, input: patch })
      : await submit.run(() => createGateway(create), { schema: gatewayCreateSchema, input: create });
    if (!saved) return;
    pushToast({ kind: 'success', title: gateway ? `${saved.name} saved` : `${saved.name} created`, message: saved.kind === 'docker' && !gateway ? 'Replicas start in the background.' : undefined });
    onClose();
  }

  return (
    <Dialog title={gateway ? `Edit ${gateway.name}` : 'Add gateway'} description={gateway ? undefined : 'A gateway is a listener that serves your APIs: in this process, or as Docker containers.'} onClose={onClose}>
      <form className="form" onSubmit={onSubmit} noValidate>
        <Field label="Name" error={submit.fields.name} required>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="docker-gateway" data-autofocus />
        </Field>
        {!gateway ? (
          <Field label="Kind" error={submit.fields.kind}>
            <select className="select" value={kind} onChange={(e) => setKind(e.target.value as 'embedded' | 'docker')}>
              <option value="docker">Docker replicas</option>
              <option value="embedded">Embedded (in this process)</option>
            </select>
          </Field>
        ) : null}
        {kind === 'docker' && docker && docker.status !== 'available' ? (
          <Banner kind="warning" title="Docker is not available">
            {docker.message ?? 'Start Docker, then the replicas start by themselves.'}
          </Banner>
        ) : null}
        <div className="form-row">
          <Field label={kind === 'docker' ? 'First host port' : 'Port'} hint={kind === 'docker' ? 'Replica n listens on this port + n.' : undefined} error={submit.fields.port} className="grow">
            <input className="input" type="number" min={1} max={65535} value={port} onChange={(e) => setPort(e.target.value)} />
          </Field>
          {kind === 'docker' ? (
            <Field label="Replicas" error={submit.fields.desiredReplicas} className="grow">
              <input className="input" type="number" min={0} max={20} value={replicas} onChange={(e) => setReplicas(e.target.value)} />
            </Field>
          ) : null}
        </div>
        {kind === 'docker' ? (
          <SharedStorageFields
            draft={redis}
            errors={submit.fields}
            hasPassword={gateway?.sharedStorage?.redis?.hasPassword}
            onChange={(draft) => {
              setRedis(draft);
              setRedisTouched(true);
            }}
          />
        ) : null}
        {submit.error ? <Banner kind="error">{submit.error}</Banner> : null}
        <div className="dialog-footer">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" pending={submit.pending}>
            {gateway ? 'Save' : 'Create gateway'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
