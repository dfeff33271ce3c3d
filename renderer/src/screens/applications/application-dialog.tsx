/** Create an application (an API consumer); its id and secret are then shown once. */
import { useState, type FormEvent } from 'react';
import { applicationCreateSchema, type ApplicationWithSecret } from '../../../../shared/contract/models';
import { useSubmit } from '../../lib/use-submit';
import { useActions } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { Field } from '../../ui/field';
import { SecretDialog } from './secret-dialog';

export function ApplicationDialog({ onClose }: { onClose(): void }) {
  const { createApplication } = useActions();
  const submit = useSubmit();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [created, setCreated] = useState<ApplicationWithSecret>();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = { name: name.trim(), ...(description.trim() ? { description: description.trim() } : {}) };
    const app = await submit.run(() => createApplication(input), { schema: applicationCreateSchema, input });
    if (app) setCreated(app);
  }

  if (created) return <SecretDialog app={created} onClose={onClose} />;
  return (
    <Dialog title="Add application" description="An application is a consumer of your APIs. It gets a client id and secret; contracts give it access." onClose={onClose}>
      <form className="form" onSubmit={onSubmit} noValidate>
        <Field label="Name" error={submit.fields.name} required>
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="Mobile app" data-autofocus />
        </Field>
        <Field label="Description" error={submit.fields.description}>
          <input className="input" value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        {submit.error ? <Banner kind="error">{submit.error}</Banner> : null}
        <div className="dialog-footer">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" pending={submit.pending}>
            Create application
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
