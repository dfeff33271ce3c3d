import type { z } from 'zod';

/** `custom`: a policy written with the SDK (shared/policy-sdk), loaded from a file. */
export type PolicyCategory = 'traffic' | 'security' | 'transformation' | 'quality' | 'tls' | 'custom';

/** The unit a number is stored in; the form shows value + unit and converts back. */
export type FieldUnit = 'milliseconds' | 'seconds' | 'minutes' | 'bytes';

/**
 * How the add/edit form shows one config field. Keys of `PolicyCatalogueEntry.fields` are
 * property paths without list indexes (`rateLimits.timePeriodInMilliseconds`).
 */
export interface PolicyFieldUi {
  /** Human label; the config key itself is shown only in the YAML. */
  label: string;
  /** Help under the field; the schema's description when absent. */
  help?: string;
  /** The unit the config stores (e.g. milliseconds); the form offers larger units too. */
  unit?: FieldUnit;
  /** Labels of enum values (`httpBasicAuthenticationHeader` → "Authorization: Basic header"). */
  options?: Record<string, string>;
  /** An alias or a field kept for Flex files only: accepted in YAML, not shown in the form. */
  hidden?: boolean;
  /** This key is an alias of that one: the form moves its value there (one field to edit). */
  aliasOf?: string;
  /** Shown only while the sibling fields hold one of these values (defaults count). */
  showWhen?: Record<string, readonly unknown[]>;
  /** A string that holds a list (`aud1,aud2`, `read write`), edited as chips. */
  separator?: ',' | ' ';
  /** A list edited as chips (lists of plain values, and unions such as CORS methods). */
  chips?: { suggestions?: readonly string[]; numeric?: boolean };
  /** One item of an object list ("Window", "Header"). */
  itemLabel?: string;
  placeholder?: string;
  /** A secret Gatehouse verifies: the form offers "Generate a strong password". */
  generate?: boolean;
  /** Only the user knows it (a credential, its server's URL): starts empty, never pre-filled in `defaults`. */
  userSupplied?: boolean;
}

/**
 * One policy of the catalogue: what the UI lists and what every config file is validated
 * against. `schema.parse(config)` gives the normalized config (defaults filled in).
 */
export interface PolicyCatalogueEntry<S extends z.ZodType = z.ZodType> {
  name: string;
  title: string;
  description: string;
  category: PolicyCategory;
  schema: S;
  /**
   * A starting config for the "add policy" form. It passes `schema` except for the fields only
   * the user knows (`fields[…].userSupplied`), which start empty: no guessable credential.
   */
  defaults: Partial<z.input<S>>;
  /**
   * `request`: runs per request in the pipeline. `listener` (tls): configures the listener the
   * API is on. `upstream` (tls-outbound): configures the connection to the upstream.
   * `probe` (health-check): runs on a timer, not per request.
   */
  scope: 'request' | 'listener' | 'upstream' | 'probe';
  /** Labels, help, units and widgets of the config fields, by property path (see PolicyFieldUi). */
  fields?: Record<string, PolicyFieldUi>;
}
