/**
 * How store records are named in YAML: `metadata.name` must be a resource name (letters,
 * digits, `.`, `-`, `_`), so display names become slugs, unique per kind, and the display name
 * and the record's id ride along as annotations. Import reads them back, which keeps ids (and
 * so telemetry and alert history) stable through export → import.
 */

export const ANNOTATION = {
  id: 'gatehouse.dev/id',
  name: 'gatehouse.dev/name',
  version: 'gatehouse.dev/version',
  description: 'gatehouse.dev/description',
  /** Read by the config compiler too: a disabled ApiInstance or PolicyBinding. */
  enabled: 'gatehouse.dev/enabled',
  /** Ids of an ApiInstance's inline policies, in spec.policies order. */
  policyIds: 'gatehouse.dev/policy-ids',
} as const;

const INVALID = /[^A-Za-z0-9._-]+/g;

export function slugName(display: string, fallback: string): string {
  const slug = display
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(INVALID, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return slug || fallback;
}

/** Hands out unique resource names for one kind, in call order. */
export class NameAllocator {
  private readonly used = new Set<string>();

  constructor(private readonly fallback: string) {}

  take(display: string): string {
    const base = slugName(display, this.fallback);
    let name = base;
    for (let n = 2; this.used.has(name); n++) name = `${base}-${n}`;
    this.used.add(name);
    return name;
  }
}

/** Annotations for a record: its id always, its display name when the slug differs. */
export function identityAnnotations(id: string, display: string, resourceName: string): Record<string, string> {
  return { [ANNOTATION.id]: id, ...(display !== resourceName ? { [ANNOTATION.name]: display } : {}) };
}
