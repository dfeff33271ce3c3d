/**
 * Environments: named variable sets ("laptop", "staging") that fill a file's `${VARIABLE}`s at
 * import/apply time, so one file serves several places. Kept in the settings table (one JSON
 * value) — small, no schema of its own. Secret values are sealed with the store's secret box
 * and never returned; a value such as `${STAGING_TOKEN}` is a reference read from the process
 * environment when applied, so the secret need not be in the app at all.
 */
import { ContractError } from '../../shared/contract/errors';
import type { Environment, EnvironmentInput } from '../../shared/contract/config-models';
import { substituteEnv, type Env } from '../config/env';
import type { Store } from '../store/store';

const ENVIRONMENTS_KEY = 'config.environments';

interface StoredVariable {
  name: string;
  /** Sealed (enc:v1:…) when secret. */
  value: string;
  secret: boolean;
}

interface StoredEnvironment {
  name: string;
  description?: string;
  variables: StoredVariable[];
  updatedAt: number;
}

function readAll(store: Store): StoredEnvironment[] {
  return store.settings.get<StoredEnvironment[]>(ENVIRONMENTS_KEY) ?? [];
}

/** As the contract shows it: secrets without their value. */
function view(environment: StoredEnvironment): Environment {
  return {
    name: environment.name,
    ...(environment.description !== undefined ? { description: environment.description } : {}),
    variables: environment.variables.map((variable) => (variable.secret ? { name: variable.name, secret: true } : { name: variable.name, value: variable.value, secret: false })),
    updatedAt: environment.updatedAt,
  };
}

export function listEnvironments(store: Store): Environment[] {
  return readAll(store).map(view);
}

/** Creates or replaces one environment. A secret sent without a value keeps the stored one. Call in a transaction. */
export function putEnvironment(store: Store, input: EnvironmentInput): Environment {
  const all = readAll(store);
  const previous = all.find((environment) => environment.name === input.name);
  const seen = new Set<string>();
  const variables: StoredVariable[] = input.variables.map((variable, index) => {
    if (seen.has(variable.name)) throw ContractError.validation([{ path: `variables[${index}].name`, message: `${variable.name} is set twice` }]);
    seen.add(variable.name);
    const secret = variable.secret ?? false;
    if (variable.value === undefined) {
      const kept = previous?.variables.find((old) => old.name === variable.name && old.secret);
      if (!secret || !kept) throw ContractError.validation([{ path: `variables[${index}].value`, message: 'required (only a stored secret may be sent without its value, to keep it)' }]);
      return kept;
    }
    return { name: variable.name, value: secret ? store.secrets.seal(variable.value) : variable.value, secret };
  });
  const stored: StoredEnvironment = {
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    variables,
    updatedAt: Date.now(),
  };
  store.settings.set(ENVIRONMENTS_KEY, [...all.filter((environment) => environment.name !== input.name), stored].sort((a, b) => a.name.localeCompare(b.name)));
  return view(stored);
}

export function removeEnvironment(store: Store, name: string): boolean {
  const all = readAll(store);
  const rest = all.filter((environment) => environment.name !== name);
  if (rest.length === all.length) return false;
  store.settings.set(ENVIRONMENTS_KEY, rest);
  return true;
}

/**
 * The variables of environment `name`, secrets opened and `${NAME}` references resolved from
 * `processEnv`. Unknown name or unset reference: a validation error naming the field.
 */
export function environmentVariables(store: Store, name: string, processEnv: Env = process.env, field = 'environment'): Record<string, string> {
  const environment = readAll(store).find((candidate) => candidate.name === name);
  if (!environment) {
    const known = readAll(store).map((candidate) => candidate.name);
    throw ContractError.validation([{ path: field, message: `no environment named "${name}"${known.length ? ` (there are: ${known.join(', ')})` : ' (none is defined yet)'}` }]);
  }
  const env: Record<string, string> = {};
  for (const variable of environment.variables) {
    const value = variable.secret ? store.secrets.open(variable.value, `environment ${name}: ${variable.name}`) : variable.value;
    const resolved = substituteEnv(value, processEnv);
    if (!resolved.ok)
      throw ContractError.validation([{ path: `${field}.${variable.name}`, message: `environment "${name}" sets ${variable.name} from ${resolved.missing.map((m) => `\${${m}}`).join(', ')}, which is not set` }]);
    env[variable.name] = resolved.value;
  }
  return env;
}
