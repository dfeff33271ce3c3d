/**
 * A custom policy as the policy form takes it: a catalogue entry like a built-in's, made from the
 * JSON Schema the control plane lists (zod 4's fromJSONSchema validates as the gateway does, so
 * the form's errors are the server's). The JSON Schema itself drives the fields.
 */
import { z } from 'zod';
import type { CustomPolicyInfo } from '../../../shared/contract/custom-policies';
import type { PolicyCatalogueEntry } from '../../../shared/policies/catalogue-entry';
import type { JsonSchema } from './schema-form';

export interface CustomCatalogueEntry extends PolicyCatalogueEntry {
  /** The policy's own JSON Schema: the form renders from it (no zod round trip). */
  jsonSchema: JsonSchema;
  version: string;
  source: string;
}

const cache = new Map<string, CustomCatalogueEntry>();

/** Undefined while no version of the policy ever loaded (nothing to configure yet). */
export function customPolicyEntry(info: CustomPolicyInfo): CustomCatalogueEntry | undefined {
  if (!info.name || !info.schema || !info.version) return undefined;
  const key = `${info.name}\0${info.checksum ?? info.version}`;
  const cached = cache.get(key);
  if (cached) return cached;
  let schema: z.ZodType;
  try {
    schema = z.fromJSONSchema({ ...info.schema, type: 'object' } as Parameters<typeof z.fromJSONSchema>[0]);
  } catch {
    return undefined;
  }
  const entry: CustomCatalogueEntry = {
    name: info.name,
    title: info.title ?? info.name,
    description: info.description ?? `Custom policy ${info.name} ${info.version}`,
    category: 'custom',
    scope: 'request',
    schema,
    defaults: info.defaults ?? {},
    ...(info.fields ? { fields: info.fields } : {}),
    jsonSchema: info.schema as JsonSchema,
    version: info.version,
    source: info.source,
  };
  cache.set(key, entry);
  return entry;
}

export function isCustomEntry(entry: PolicyCatalogueEntry): entry is CustomCatalogueEntry {
  return 'jsonSchema' in entry;
}
