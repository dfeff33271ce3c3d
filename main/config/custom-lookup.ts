/**
 * The policy lookup a conf.d compiles with: the built-ins, plus each custom policy its
 * Extensions declare, under every Extension name and its own name. A policy whose file does not
 * load is reported once, at its file and line; bindings to it still validate against the last
 * good version (or accept any config when there is none), so one mistake is one error.
 */
import { z } from 'zod';
import type { PolicyLookup } from './compile-bindings';
import type { ConfigError } from './errors';
import type { DeclaredExtensions } from './extensions';
import type { LoadedPolicy, PolicySources } from './policy-sources';

const ANY_CONFIG = z.record(z.string(), z.unknown());

export interface CustomLookup {
  lookup: PolicyLookup;
  /** `name@checksum` of each loaded policy: part of the snapshot version, so an edit reloads. */
  versions: string[];
}

export function customLookup(base: PolicyLookup, declared: DeclaredExtensions, sources: PolicySources | undefined, errors: ConfigError[]): CustomLookup {
  const entries = new Map<string, { schema: z.ZodType; scope: 'request'; name: string }>();
  const explained = new Map(declared.unusable);
  const versions: string[] = [];
  for (const declaration of declared.policies) {
    const where = `${declaration.resource.file}:${declaration.resource.lineOf(['spec', 'source'])}`;
    const builtIn = declaration.names.find((name) => base.find(name));
    if (builtIn) {
      const resource = declaration.resource;
      errors.push({ file: resource.file, line: resource.lineOf(['metadata', 'name']), field: 'metadata.name', message: `"${builtIn}" is a built-in policy's name; give the Extension another name` });
      continue;
    }
    if (!sources) {
      for (const name of declaration.names)
        explained.set(name, `custom policy "${name}" (${where}) is not loaded here: custom policies run in \`gatehouse gateway --config\` and are checked by \`gatehouse validate\``);
      continue;
    }
    const state = sources.get(declaration.source);
    if (state?.error) {
      const { file, line, message } = state.error;
      errors.push({ file, line: line ?? 0, field: '', message });
    } else if (!state?.policy) {
      errors.push({ file: declaration.source, line: 0, field: '', message: 'the policy was not loaded' });
    }
    const policy: LoadedPolicy | undefined = state?.policy;
    const clash = policy ? base.find(policy.name) : undefined;
    if (policy && clash) {
      errors.push({ file: declaration.source, line: 0, field: '', message: `the policy is named "${policy.name}", the name of a built-in policy; choose another name in definePolicy` });
      continue;
    }
    if (policy) versions.push(`${policy.name}@${policy.checksum}`);
    const entry = { schema: policy?.catalogueEntry.schema ?? ANY_CONFIG, scope: 'request' as const, name: policy?.name ?? declaration.names[0]! };
    for (const name of policy ? [...declaration.names, policy.name] : declaration.names) entries.set(name, entry);
  }
  const lookup: PolicyLookup = {
    find: (name) => entries.get(name) ?? (explained.has(name) ? undefined : base.find(name)),
    names: () => [...new Set([...base.names(), ...entries.keys()])],
    explain: (name) => explained.get(name) ?? base.explain?.(name),
  };
  return { lookup, versions: versions.sort() };
}
