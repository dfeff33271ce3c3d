/**
 * Add (or edit) an HTTP API as in Flex's API Manager: name, version, implementation URL (the
 * upstream), base path on the gateway, and the gateway. Errors show under each field.
 */
import { useState, type FormEvent } from 'react';
import { apiCreateSchema, apiPatchSchema, basePathFromName, type Api, type ApiCreate } from '../../../../shared/contract/models';
import { apiPath, navigate } from '../../router/router';
import { useAppStore, useClient } from '../../state/store';
import { errorMessage } from '../../lib/errors';
import { useSubmit } from '../../lib/use-submit';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { Dialog } from '../../ui/dialog';
import { Field } from '../../ui/field';

export interface ApiFormDialogProps {
  onClose(): void;
  /** Edit this API instead of creating one. */
  api?: Api;
  initial?: Partial<ApiCreate>;
  /** Where the prefilled values came from (e.g. an OpenAPI file), shown as a note. */
  source?: string;
  /** The imported OpenAPI document, kept with the new API (its examples can answer as a mock). */
  openApiDocument?: string;
}

export function ApiFormDialog({ onClose, api, initial, source, openApiDocument }: ApiFormDialogProps) {
  const client = useClient();
  const gateways = useAppStore((s) => s.gateways);
  const createApi = useAppStore((s) => s.createApi);
  const updateApi = useAppStore((s) => s.updateApi);
  const pushToast = useAppStore((s) => s.pushToast);
  const submit = useSubmit();
  const start = api ?? initial ?? {};
  const [name, setName] = useState(start.name ?? '');
  const [version, setVersion] = useState(start.version ?? 'v1');
  const [implementationUrl, setImplementationUrl] = useState(start.implementationUrl ?? '');
  const [basePath, setBasePath] = useState(start.basePath ?? '');
  const [gatewayId, setGatewayId] = useState(start.gatewayId ?? gateways.find((g) => g.kind === 'embedded')?.id ?? gateways[0]?.id ?? '');

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = {
      name: name.trim(),
      version: version.trim(),
      implementationUrl: implementationUrl.trim(),
      ...(basePath.trim() ? { basePath: basePath.trim() } : {}),
      ...(gatewayId ? { gatewayId } : {}),
    };
    if (api) {
      const saved = await submit.run(() => updateApi(api.id, input), { schema: apiPatchSchema, input });
      if (!saved) return;
      pushToast({ kind: 'success', title: `Saved ${saved.name}` });
      onClose();
      return;
    }
    const created = await submit.run(() => createApi(input), { schema: apiCreateSchema, input });
    if (!created) return;
    if (openApiDocument !== undefined) {
      // The API exists either way; a document the server refuses is said, not fatal.
      await client.mocks.putOpenApi({ apiId: created.id, document: openApiDocument }).catch((caught: unknown) =>
        pushToast({ kind: 'error', title: 'The OpenAPI document was not kept', message: errorMessage(caught) }),
      );
    }
    pushToast({ kind: 'success', title: `${created.name} is live`, message: `Requests to ${created.basePath} now go through the gateway.` });
    onClose();
    navigate(apiPath(created.id, 'policies'));
  }

  const change = (path: string, setter: (value: string) => void) => (event: { target: { value: string } }) => {
    setter(event.target.value);
    submit.clearField(path);
  };

  return (
    <Dialog title={api ? `Edit ${api.name}` : 'Add API'} description={api ? undefined : 'Put the gateway in front of an HTTP API. Policies, contracts and analytics come next.'} onClose={onClose}>
      <form className="form" onSubmit={onSubmit} noValidate>
        {source ? <Banner kind="info">Prefilled from {source}. Check the values, then create the API.</Banner> : null}
        <div className="form-row">
          <Field label="Name" error={submit.fields.name} required className="grow">
            <input className="input" value={name} onChange={change('name', setName)} placeholder="Orders API" data-autofocus autoComplete="off" />
          </Field>
          <Field label="Version" error={submit.fields.version} className="field-narrow">
            <input className="input" value={version} onChange={change('version', setVersion)} placeholder="v1" autoComplete="off" />
          </Field>
        </div>
        <Field label="Implementation URL" hint="Where the gateway forwards requests (the upstream)." error={submit.fields.implementationUrl} required>
          <input className="input mono" value={implementationUrl} onChange={change('implementationUrl', setImplementationUrl)} placeholder="http://127.0.0.1:3000/" autoComplete="off" spellCheck={false} />
        </Field>
        <div className="form-row">
          <Field label="Base path" hint="Clients call the gateway under this path." error={submit.fields.basePath} className="grow">
            <input className="input mono" value={basePath} onChange={change('basePath', setBasePath)} placeholder={basePathFromName(name || 'my-api')} autoComplete="off" spellCheck={false} />
          </Field>
          <Field label="Gateway" error={submit.fields.gatewayId} className="grow">
            <select className="select" value={gatewayId} onChange={change('gatewayId', setGatewayId)}>
              {gateways.length === 0 ? <option value="">Embedded gateway</option> : null}
              {gateways.map((gateway) => (
                <option key={gateway.id} value={gateway.id}>
                  {gateway.name} ({gateway.kind}, :{gateway.port})
                </option>
              ))}
            </select>
          </Field>
        </div>
        {submit.error ? <Banner kind="error">{submit.error}</Banner> : null}
        <div className="dialog-footer">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" pending={submit.pending}>
            {api ? 'Save' : 'Create API'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
