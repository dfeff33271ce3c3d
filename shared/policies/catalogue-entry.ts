import type { z } from 'zod';

export type PolicyCategory = 'traffic' | 'security' | 'transformation' | 'quality' | 'tls';

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
  /** A starting config for the "add policy" form; must pass `schema`. */
  defaults: z.input<S>;
  /**
   * `request`: runs per request in the pipeline. `listener` (tls): configures the listener the
   * API is on. `upstream` (tls-outbound): configures the connection to the upstream.
   * `probe` (health-check): runs on a timer, not per request.
   */
  scope: 'request' | 'listener' | 'upstream' | 'probe';
}
