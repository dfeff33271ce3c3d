/** Applications (API consumers). Secrets come back only from create/regenerate, shown once. */
import type { ContractClient } from '../../../shared/contract/client';
import type { Application, ApplicationCreate, ApplicationPatch, ApplicationWithSecret } from '../../../shared/contract/models';
import { errorMessage } from '../lib/errors';
import { idle, removeById, upsertById, type LoadState } from './load-state';
import type { Slice } from './store';

export interface ApplicationsSlice {
  applications: Application[];
  applicationsLoad: LoadState;
  loadApplications(): Promise<void>;
  createApplication(input: ApplicationCreate): Promise<ApplicationWithSecret>;
  updateApplication(id: string, patch: ApplicationPatch): Promise<Application>;
  removeApplication(id: string): Promise<void>;
  regenerateSecret(id: string): Promise<ApplicationWithSecret>;
}

/** The list never keeps a secret in memory longer than the dialog that shows it. */
function withoutSecret(app: ApplicationWithSecret): Application {
  const { clientSecret: _secret, ...rest } = app;
  return rest;
}

export const createApplicationsSlice =
  (client: ContractClient): Slice<ApplicationsSlice> =>
  (set, get) => ({
    applications: [],
    applicationsLoad: idle,
    async loadApplications() {
      if (get().applicationsLoad.status !== 'ready') set({ applicationsLoad: { status: 'loading' } });
      try {
        set({ applications: await client.applications.list(), applicationsLoad: { status: 'ready' } });
      } catch (error) {
        set({ applicationsLoad: { status: 'error', error: errorMessage(error) } });
      }
    },
    async createApplication(input) {
      const app = await client.applications.create(input);
      set({ applications: upsertById(get().applications, withoutSecret(app)) });
      return app;
    },
    async updateApplication(id, patch) {
      const app = await client.applications.update({ ...patch, id });
      set({ applications: upsertById(get().applications, app) });
      return app;
    },
    async removeApplication(id) {
      await client.applications.remove({ id });
      set({
        applications: removeById(get().applications, id),
        contracts: get().contracts.filter((c) => c.applicationId !== id),
      });
    },
    async regenerateSecret(id) {
      return client.applications.regenerateSecret({ id });
    },
  });
