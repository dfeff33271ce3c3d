import { z } from 'zod';
import type { PolicyCatalogueEntry } from './catalogue-entry';

const status = z.number().int().min(100).max(599);

export const healthCheckSchema = z
  .object({
    path: z.string().startsWith('/', 'must start with /').default('/').describe('Path probed on the upstream'),
    expectedStatus: z.union([status, z.array(status).min(1)]).default(200).describe('Status (or statuses) that mean healthy'),
    intervalSeconds: z.number().positive().default(10).describe('Seconds between probes'),
    timeoutSeconds: z.number().positive().default(2).describe('Seconds before a probe counts as failed'),
    healthyThreshold: z.number().int().positive().default(1).describe('Successes in a row to turn healthy'),
    unhealthyThreshold: z.number().int().positive().default(2).describe('Failures in a row to turn unhealthy'),
  })
  .strict();
export type HealthCheckConfig = z.infer<typeof healthCheckSchema>;

export function expectedStatuses(config: HealthCheckConfig): number[] {
  return Array.isArray(config.expectedStatus) ? config.expectedStatus : [config.expectedStatus];
}

export const healthCheckEntry: PolicyCatalogueEntry<typeof healthCheckSchema> = {
  name: 'health-check-flex',
  title: 'Health check',
  description: 'Probes the upstream on a timer; a failing upstream shows red and raises an alert.',
  category: 'quality',
  scope: 'probe',
  schema: healthCheckSchema,
  defaults: { path: '/', expectedStatus: 200, intervalSeconds: 10, timeoutSeconds: 2, healthyThreshold: 1, unhealthyThreshold: 2 },
  fields: {
    path: { label: 'Path', placeholder: '/health', help: 'Path probed on the upstream' },
    expectedStatus: { label: 'Healthy statuses', chips: { numeric: true }, placeholder: '200', help: 'Status codes that mean healthy' },
    intervalSeconds: { label: 'Probe every', unit: 'seconds' },
    timeoutSeconds: { label: 'Probe timeout', unit: 'seconds', help: 'A probe slower than this counts as failed' },
    healthyThreshold: { label: 'Successes to turn healthy', help: 'Successful probes in a row' },
    unhealthyThreshold: { label: 'Failures to turn unhealthy', help: 'Failed probes in a row' },
  },
};
