/**
 * Contracts and SLA tiers of one API: create tiers, request contracts, approve / revoke /
 * restore them, and see each client's recent usage against its tier's tightest limit. Says so
 * when no attached policy checks contracts (or applies tiers), since they then do nothing.
 */
import { useEffect, useState } from 'react';
import type { Api, Contract, PolicyBinding, SlaTier } from '../../../../../shared/contract/models';
import { contractEnforcement } from '../../../../../shared/policies/contract-enforcement';
import { errorMessage } from '../../../lib/errors';
import { formatCount, formatPeriod, timeAgo } from '../../../lib/format';
import { apiPath, href } from '../../../router/router';
import { useActions, useAppStore } from '../../../state/store';
import { Banner } from '../../../ui/banner';
import { Button } from '../../../ui/button';
import { EmptyState } from '../../../ui/empty-state';
import { Badge, contractTone } from '../../../ui/status-badge';
import { useLiveMetrics } from '../use-live-metrics';
import { ContractDialog, tierLimits } from './contract-dialog';
import { TierDialog } from './tier-dialog';

/** The window usage is measured over: the longest tier period, at least a minute. */
function usageWindowSeconds(tiers: SlaTier[]): number {
  const longest = Math.max(60_000, ...tiers.flatMap((t) => t.limits.map((l) => l.timePeriodInMilliseconds)));
  return Math.min(30 * 86_400, Math.ceil(longest / 1000));
}

function Usage({ used, tier }: { used: number; tier?: SlaTier }) {
  const limit = tier?.limits[0];
  if (!limit) return <span className="muted small">{formatCount(used)} requests</span>;
  const ratio = Math.min(1, used / limit.maximumRequests);
  const tone = ratio >= 1 ? 'danger' : ratio >= 0.8 ? 'warning' : 'success';
  return (
    <div className="usage" title={`${used} of ${limit.maximumRequests} per ${formatPeriod(limit.timePeriodInMilliseconds)}`}>
      <div className="meter" role="meter" aria-valuemin={0} aria-valuemax={limit.maximumRequests} aria-valuenow={used} aria-label="Usage against the tier">
        <span className={`meter-fill meter-${tone}`} style={{ width: `${ratio * 100}%` }} />
      </div>
      <span className="small tabular">
        {formatCount(used)} / {formatCount(limit.maximumRequests)} <span className="muted">per {formatPeriod(limit.timePeriodInMilliseconds)}</span>
      </span>
    </div>
  );
}

const NO_POLICIES: PolicyBinding[] = [];

/** "Contracts have no effect" / "Tier limits are not applied", with the way to fix it. */
function EnforcementBanner({ api, hasContracts, hasTiers }: { api: Api; hasContracts: boolean; hasTiers: boolean }) {
  const bindings = useAppStore((s) => s.policies[api.id] ?? NO_POLICIES);
  const ready = useAppStore((s) => s.policiesLoad[api.id]?.status === 'ready');
  if (!ready || (!hasContracts && !hasTiers)) return null;
  const { contractsChecked, tiersApplied } = contractEnforcement(bindings);
  const toPolicies = (
    <a className="btn btn-secondary btn-sm" href={href(apiPath(api.id, 'policies'))}>
      Open policies
    </a>
  );
  if (!contractsChecked)
    return (
      <Banner kind="warning" title="Contracts have no effect on this API" action={toPolicies}>
        No enabled Client ID enforcement or SLA-based rate limiting policy is attached, so every caller gets through, with or without a contract. Add one of them to
        let only applications with an approved contract in.
      </Banner>
    );
  if (hasTiers && !tiersApplied)
    return (
      <Banner kind="info" title="Tier limits are not applied" action={toPolicies}>
        Contracts are checked, but no SLA-based rate limiting policy is attached, so the tiers&apos; limits are not enforced.
      </Banner>
    );
  return null;
}

export function ContractsTab({ api }: { api: Api }) {
  const allTiers = useAppStore((s) => s.tiers);
  const allContracts = useAppStore((s) => s.contracts);
  const applications = useAppStore((s) => s.applications);
  const { loadTiers, loadContracts, loadApplications, loadPolicies, setContractStatus, setContractTier, updateTier, removeTier, pushToast } = useActions();
  const tiers = allTiers.filter((t) => t.apiId === api.id);
  const contracts = allContracts.filter((c) => c.apiId === api.id);
  const [dialog, setDialog] = useState<'tier' | 'contract' | null>(null);
  const [error, setError] = useState<string>();
  const { metrics } = useLiveMetrics(api.id, usageWindowSeconds(tiers), 2000);

  useEffect(() => {
    void loadTiers();
    void loadContracts();
    void loadApplications();
    void loadPolicies(api.id);
  }, [loadTiers, loadContracts, loadApplications, loadPolicies, api.id]);

  async function attempt(action: () => Promise<unknown>, success: string) {
    setError(undefined);
    try {
      await action();
      pushToast({ kind: 'success', title: success });
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  const usageOf = (contract: Contract) => {
    const clientId = applications.find((a) => a.id === contract.applicationId)?.clientId;
    return metrics?.topClients.find((c) => c.clientId === clientId)?.requests ?? 0;
  };

  return (
    <div className="stack-lg">
      {error ? <Banner kind="error">{error}</Banner> : null}
      <EnforcementBanner api={api} hasContracts={contracts.length > 0} hasTiers={tiers.length > 0} />
      <section className="card card-flush">
        <div className="card-header card-header-padded">
          <div>
            <h2 className="card-title">Contracts</h2>
            <p className="muted small">Applications allowed to call this API (enforced by Client ID enforcement and SLA-based rate limiting).</p>
          </div>
          <Button variant="primary" icon="plus" onClick={() => setDialog('contract')}>
            New contract
          </Button>
        </div>
        {contracts.length === 0 ? (
          <EmptyState icon="applications" title="No contracts">
            Give an application access to this API with a contract; pick a tier to limit its rate.
          </EmptyState>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Application</th>
                <th>Tier</th>
                <th>Status</th>
                <th>Usage</th>
                <th className="actions-col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {contracts.map((contract) => {
                const app = applications.find((a) => a.id === contract.applicationId);
                const tier = tiers.find((t) => t.id === contract.tierId);
                const name = app?.name ?? contract.applicationId;
                return (
                  <tr key={contract.id} data-testid={`contract-${app?.name ?? contract.id}`}>
                    <td>
                      <div className="strong">{name}</div>
                      <div className="mono small muted">{app?.clientId}</div>
                    </td>
                    <td>
                      <select className="select select-sm" aria-label={`Tier of ${name}`} value={contract.tierId ?? ''} onChange={(e) => e.target.value && void attempt(() => setContractTier(contract.id, e.target.value), `Tier changed for ${name}`)}>
                        {!contract.tierId ? <option value="">No tier</option> : null}
                        {tiers.map((t) => (
                          <option key={t.id} value={t.id} disabled={t.status !== 'active' && t.id !== contract.tierId}>
                            {t.name}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <Badge tone={contractTone(contract.status)} dot>
                        {contract.status}
                      </Badge>
                      <div className="muted small">{timeAgo(contract.updatedAt)}</div>
                    </td>
                    <td>
                      <Usage used={usageOf(contract)} tier={tier} />
                    </td>
                    <td className="actions-col">
                      {contract.status === 'pending' ? (
                        <Button size="sm" variant="primary" onClick={() => void attempt(() => setContractStatus(contract.id, 'approved'), `Approved ${name}`)}>
                          Approve
                        </Button>
                      ) : null}
                      {contract.status !== 'revoked' ? (
                        <Button size="sm" variant="ghost" onClick={() => void attempt(() => setContractStatus(contract.id, 'revoked'), `Revoked ${name}`)}>
                          Revoke
                        </Button>
                      ) : (
                        <Button size="sm" onClick={() => void attempt(() => setContractStatus(contract.id, 'approved'), `Restored ${name}`)}>
                          Restore
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      <section className="card card-flush">
        <div className="card-header card-header-padded">
          <div>
            <h2 className="card-title">SLA tiers</h2>
            <p className="muted small">Rate limits per application, applied by the SLA-based rate limiting policy.</p>
          </div>
          <Button icon="plus" onClick={() => setDialog('tier')}>
            New tier
          </Button>
        </div>
        {tiers.length === 0 ? (
          <EmptyState icon="zap" title="No tiers">
            Tiers such as Free (100/min) or Gold (10,000/h) let you give each application its own limits.
          </EmptyState>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Tier</th>
                <th>Limits</th>
                <th>Approval</th>
                <th className="num">Contracts</th>
                <th className="actions-col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {tiers.map((tier) => {
                const used = contracts.filter((c) => c.tierId === tier.id).length;
                return (
                  <tr key={tier.id}>
                    <td>
                      <span className="strong">{tier.name}</span> {tier.status === 'deprecated' ? <Badge tone="warning">deprecated</Badge> : null}
                      {tier.description ? <div className="muted small">{tier.description}</div> : null}
                    </td>
                    <td className="small">{tierLimits(tier)}</td>
                    <td className="small">{tier.approval}</td>
                    <td className="num">{used}</td>
                    <td className="actions-col">
                      <Button size="sm" variant="ghost" onClick={() => void attempt(() => updateTier(tier.id, { status: tier.status === 'active' ? 'deprecated' : 'active' }), tier.status === 'active' ? `${tier.name} deprecated` : `${tier.name} active again`)}>
                        {tier.status === 'active' ? 'Deprecate' : 'Activate'}
                      </Button>
                      <Button size="sm" variant="ghost" disabled={used > 0} title={used > 0 ? 'In use by contracts: deprecate it instead' : undefined} onClick={() => void attempt(() => removeTier(tier.id), `${tier.name} deleted`)}>
                        Delete
                      </Button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      {dialog === 'tier' ? <TierDialog apiId={api.id} onClose={() => setDialog(null)} /> : null}
      {dialog === 'contract' ? <ContractDialog apiId={api.id} tiers={tiers} onClose={() => setDialog(null)} /> : null}
    </div>
  );
}
