/**
 * Store records → the contract's models (what REST, IPC and the renderer see). Secrets and
 * internal columns (secret hashes, binding positions) stop here.
 */
import type {
  AlertEvent,
  AlertRule,
  Api,
  Application,
  Contract,
  Gateway,
  GatewayStatus,
  PolicyBinding,
  Replica,
  SlaTier,
} from '../../shared/contract/models';
import type { AlertEventRecord } from '../store/alert-events';
import type { AlertRuleRecord } from '../store/alert-rules';
import type { ApiRecord } from '../store/apis';
import type { ApplicationRecord } from '../store/applications';
import { sealedView } from '../store/policy-secrets';
import type { SecretBox } from '../store/secret-box';
import type { ContractRecord } from '../store/contracts';
import type { GatewayRecord } from '../store/gateways';
import type { PolicyBindingRecord } from '../store/policy-bindings';
import type { SlaTierRecord } from '../store/sla-tiers';
import { isSealed } from '../store/secret-box';

export function toApi(record: ApiRecord): Api {
  return {
    id: record.id,
    name: record.name,
    version: record.version,
    type: 'http',
    implementationUrl: record.implementationUrl,
    basePath: record.basePath,
    gatewayId: record.gatewayId,
    enabled: record.enabled,
    ...(record.description !== undefined ? { description: record.description } : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** A binding as the admin API shows it: credentials encrypted with `box` (see sealedView). */
export function toPolicyBinding(record: PolicyBindingRecord, box: SecretBox): PolicyBinding {
  return {
    id: record.id,
    apiId: record.apiId,
    policyRef: record.policyRef,
    config: sealedView(record.policyRef, record.config, box),
    order: record.order,
    enabled: record.enabled,
    ...(record.rules ? { rules: record.rules } : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** Live state of a gateway that the store does not hold. */
export interface GatewayLiveState {
  status: GatewayStatus;
  replicas?: Replica[];
  configVersion?: string;
  lastError?: string;
  /** Docker gateways: shared counters and networking (main/control/docker-gateways.ts). */
  docker?: Pick<Gateway, 'sharedCounters' | 'countersMessage' | 'sharedStorage' | 'networkMode' | 'networkModeMessage'>;
}

export function toGateway(record: GatewayRecord, live: GatewayLiveState): Gateway {
  return {
    id: record.id,
    name: record.name,
    kind: record.kind,
    port: record.port,
    host: record.host,
    desiredReplicas: record.desiredReplicas,
    replicas: live.replicas ?? [],
    status: live.status,
    ...(live.configVersion ? { configVersion: live.configVersion } : {}),
    ...(live.lastError ? { lastError: live.lastError } : {}),
    ...(live.docker ?? {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export function toApplication(record: ApplicationRecord): Application {
  return {
    id: record.id,
    name: record.name,
    clientId: record.clientId,
    ...(record.description !== undefined ? { description: record.description } : {}),
    createdAt: record.createdAt,
  };
}

export function toSlaTier(record: SlaTierRecord): SlaTier {
  return {
    id: record.id,
    apiId: record.apiId,
    name: record.name,
    ...(record.description !== undefined ? { description: record.description } : {}),
    limits: record.limits,
    approval: record.approval,
    status: record.status,
    createdAt: record.createdAt,
  };
}

export function toContract(record: ContractRecord): Contract {
  return {
    id: record.id,
    applicationId: record.applicationId,
    apiId: record.apiId,
    ...(record.tierId !== undefined ? { tierId: record.tierId } : {}),
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** The rule fields kept in the store's JSON spec column (everything but identity and scope). */
export const ALERT_SPEC_FIELDS = ['codes', 'statistic', 'policy', 'comparator', 'threshold', 'windowSeconds', 'periods', 'severity', 'webhookUrl', 'muted'] as const;

export function alertSpecOf(rule: Partial<Record<(typeof ALERT_SPEC_FIELDS)[number], unknown>>): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  for (const field of ALERT_SPEC_FIELDS) if (rule[field] !== undefined) spec[field] = rule[field];
  return spec;
}

export function toAlertRule(record: AlertRuleRecord, latest: AlertEventRecord | undefined): AlertRule {
  const spec = record.spec as Partial<AlertRule>;
  return {
    id: record.id,
    name: record.name,
    kind: record.kind as AlertRule['kind'],
    ...(record.apiId !== undefined ? { apiId: record.apiId } : {}),
    ...(record.gatewayId !== undefined ? { gatewayId: record.gatewayId } : {}),
    ...(spec.codes !== undefined ? { codes: spec.codes } : {}),
    ...(spec.statistic !== undefined ? { statistic: spec.statistic } : {}),
    ...(spec.policy !== undefined ? { policy: spec.policy } : {}),
    comparator: spec.comparator ?? 'gt',
    threshold: spec.threshold ?? 0,
    windowSeconds: spec.windowSeconds ?? 60,
    periods: spec.periods ?? 1,
    severity: spec.severity ?? 'warning',
    enabled: record.enabled,
    // One the key cannot decrypt is left out (start-up and each delivery report it), never shown sealed.
    ...(spec.webhookUrl !== undefined && !isSealed(spec.webhookUrl) ? { webhookUrl: spec.webhookUrl } : {}),
    ...(spec.muted ? { muted: true } : {}),
    state: latest?.state === 'fired' ? 'alerting' : 'ok',
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export function toAlertEvent(record: AlertEventRecord, rule: AlertRuleRecord | undefined): AlertEvent {
  const severity = rule?.spec.severity as AlertEvent['severity'] | undefined;
  return {
    id: record.id,
    ruleId: record.ruleId,
    state: record.state,
    value: record.value,
    threshold: record.threshold,
    at: record.at,
    ...(rule ? { ruleName: rule.name } : {}),
    ...(rule?.apiId ? { apiId: rule.apiId } : {}),
    ...(severity ? { severity } : {}),
    ...(record.message !== undefined ? { message: record.message } : {}),
    ...(record.delivery ? { delivery: record.delivery } : {}),
  };
}
