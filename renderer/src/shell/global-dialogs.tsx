/** Dialogs any screen or the palette can open (Add API, Import OpenAPI, Add application/gateway). */
import { useAppStore } from '../state/store';
import { ApiFormDialog } from '../screens/apis/api-form-dialog';
import { ImportOpenApiDialog } from '../screens/apis/import-openapi-dialog';
import { ApplicationDialog } from '../screens/applications/application-dialog';
import { GatewayDialog } from '../screens/gateways/gateway-dialog';
import { ShortcutsDialog } from './shortcuts-dialog';

export function GlobalDialogs() {
  const dialog = useAppStore((s) => s.dialog);
  const close = useAppStore((s) => s.closeDialog);
  if (!dialog) return null;
  switch (dialog.name) {
    case 'add-api':
      // Keyed so that a second "Add API" (e.g. after an import) starts from its own values.
      return <ApiFormDialog key={JSON.stringify(dialog.initial ?? {})} initial={dialog.initial} source={dialog.source} openApiDocument={dialog.openApiDocument} onClose={close} />;
    case 'import-openapi':
      return <ImportOpenApiDialog onClose={close} />;
    case 'add-application':
      return <ApplicationDialog onClose={close} />;
    case 'add-gateway':
      return <GatewayDialog onClose={close} />;
    case 'shortcuts':
      return <ShortcutsDialog onClose={close} />;
  }
}
