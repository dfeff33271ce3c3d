/** Applications: client ids, their contracts (marked when the API checks none), new secrets, deletion. */
import { useEffect, useState } from 'react';
import type { Application, ApplicationWithSecret } from '../../../../shared/contract/models';
import { contractEnforcement } from '../../../../shared/policies/contract-enforcement';
import { timeAgo } from '../../lib/format';
import { apiPath, href } from '../../router/router';
import { useActions, useAppStore } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { ConfirmDialog } from '../../ui/confirm-dialog';
import { CopyButton } from '../../ui/copy-button';
import { EmptyState, Spinner } from '../../ui/empty-state';
import { PageHeader } from '../../ui/stat-card';
import { Badge, contractTone } from '../../ui/status-badge';
import { SecretDialog } from './secret-dialog';

function policiesRequested(load: Record<string, { status: string } | undefined>, apiId: string): boolean {
  const status = load[apiId]?.status;
  return status === 'ready' || status === 'loading';
}

export function ApplicationsScreen() {
  const applications = useAppStore((s) => s.applications);
  const load = useAppStore((s) => s.applicationsLoad);
  const contracts = useAppStore((s) => s.contracts);
  const apis = useAppStore((s) => s.apis);
  const policies = useAppStore((s) => s.policies);
  const policiesLoad = useAppStore((s) => s.policiesLoad);
  const { loadApplications, loadContracts, loadPolicies, openDialog, regenerateSecret, removeApplication, pushToast } = useActions();
  const [confirm, setConfirm] = useState<{ kind: 'secret' | 'delete'; app: Application }>();
  const [secret, setSecret] = useState<ApplicationWithSecret>();

  useEffect(() => {
    void loadApplications();
    void loadContracts();
  }, [loadApplications, loadContracts]);

  // A contract on an API whose policies check no contract does nothing: load those APIs' policies to say so.
  const contractApiIds = [...new Set(contracts.map((c) => c.apiId))].sort().join(',');
  useEffect(() => {
    for (const apiId of contractApiIds ? contractApiIds.split(',') : []) if (!policiesRequested(policiesLoad, apiId)) void loadPolicies(apiId);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [contractApiIds, loadPolicies]);
  const ineffective = (apiId: string) => policiesLoad[apiId]?.status === 'ready' && !contractEnforcement(policies[apiId] ?? []).contractsChecked;

  const add = (
    <Button variant="primary" icon="plus" onClick={() => openDialog({ name: 'add-application' })}>
      Add application
    </Button>
  );

  return (
    <div className="page">
      <PageHeader title="Applications" subtitle="Consumers of your APIs, identified by client id and secret." actions={add} />
      {load.status === 'error' ? (
        <Banner kind="error" title="Could not load applications" action={<Button size="sm" onClick={() => void loadApplications()}>Retry</Button>}>
          {load.error}
        </Banner>
      ) : null}
      {load.status === 'loading' && applications.length === 0 ? <Spinner label="Loading applications" /> : null}
      {load.status === 'ready' && applications.length === 0 ? (
        <EmptyState icon="applications" title="No applications yet" actions={add}>
          Create an application for each client (a mobile app, a partner). Then give it a contract on an API to let it through Client ID enforcement.
        </EmptyState>
      ) : null}
      {applications.length > 0 ? (
        <div className="card card-flush">
          <table className="table">
            <thead>
              <tr>
                <th>Application</th>
                <th>Client ID</th>
                <th>Contracts</th>
                <th className="hide-narrow">Created</th>
                <th className="actions-col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {applications.map((app) => {
                const own = contracts.filter((c) => c.applicationId === app.id);
                return (
                  <tr key={app.id}>
                    <td>
                      <div className="strong">{app.name}</div>
                      {app.description ? <div className="muted small">{app.description}</div> : null}
                    </td>
                    <td>
                      <span className="mono small">{app.clientId}</span> <CopyButton text={app.clientId} label={`Copy client ID of ${app.name}`} />
                    </td>
                    <td>
                      {own.length === 0 ? <span className="muted small">None</span> : null}
                      <div className="chips">
                        {own.map((contract) => {
                          const api = apis.find((a) => a.id === contract.apiId);
                          const noEffect = ineffective(contract.apiId);
                          return (
                            <a
                              key={contract.id}
                              className="chip"
                              href={href(apiPath(contract.apiId, noEffect ? 'policies' : 'contracts'))}
                              title={noEffect ? `${api?.name ?? 'This API'} has no Client ID enforcement or SLA-based rate limiting policy: this contract has no effect` : undefined}
                            >
                              {api?.name ?? contract.apiId} <Badge tone={contractTone(contract.status)}>{contract.status}</Badge>
                              {noEffect ? <Badge tone="warning">no effect</Badge> : null}
                            </a>
                          );
                        })}
                      </div>
                    </td>
                    <td className="small muted hide-narrow">{timeAgo(app.createdAt)}</td>
                    <td className="actions-col">
                      <Button size="sm" variant="ghost" onClick={() => setConfirm({ kind: 'secret', app })}>
                        New secret
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => setConfirm({ kind: 'delete', app })} aria-label={`Delete ${app.name}`}>
                        Delete
                      </Button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {confirm?.kind === 'secret' ? (
        <ConfirmDialog
          title={`Replace the secret of ${confirm.app.name}?`}
          confirmLabel="Generate new secret"
          onClose={() => setConfirm(undefined)}
          onConfirm={async () => setSecret(await regenerateSecret(confirm.app.id))}
        >
          The current secret stops working at once; callers using it get 401 until they switch.
        </ConfirmDialog>
      ) : null}
      {confirm?.kind === 'delete' ? (
        <ConfirmDialog
          title={`Delete ${confirm.app.name}?`}
          confirmLabel="Delete application"
          danger
          onClose={() => setConfirm(undefined)}
          onConfirm={async () => {
            await removeApplication(confirm.app.id);
            pushToast({ kind: 'success', title: `${confirm.app.name} deleted` });
          }}
        >
          Its contracts are deleted too, and its credentials stop working.
        </ConfirmDialog>
      ) : null}
      {secret ? <SecretDialog app={secret} regenerated onClose={() => setSecret(undefined)} /> : null}
    </div>
  );
}
