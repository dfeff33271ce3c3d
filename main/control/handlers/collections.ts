/**
 * Collections: the operations of the OpenAPI document kept with an API (for Try it), and the
 * requests saved per API. Saved requests are not gateway config: they are written straight to
 * the store, not through `live.write`.
 */
import { ContractError } from '../../../shared/contract/errors';
import type { ContractHandlers } from '../../../shared/contract/methods';
import type { SavedRequest } from '../../../shared/collections/collection-models';
import { operationsFromOpenApi } from '../../../shared/collections/openapi-operations';
import { parseOpenApiDocument } from '../../config/compile-mocks';
import type { SavedRequestRecord } from '../../store/saved-requests';
import type { Store } from '../../store/store';
import { conflict, requireApi, type HandlerContext } from './context';

type CollectionHandlers = Pick<ContractHandlers, 'collections.operations' | 'savedRequests.list' | 'savedRequests.save' | 'savedRequests.rename' | 'savedRequests.remove'>;

function toSavedRequest(record: SavedRequestRecord): SavedRequest {
  return { ...record, headers: { ...record.headers } };
}

function requireSavedRequest(store: Store, apiId: string, requestId: string): SavedRequestRecord {
  const found = store.savedRequests.get(requestId);
  if (!found || found.apiId !== apiId) throw ContractError.notFound('saved request', requestId);
  return found;
}

export function collectionHandlers(ctx: HandlerContext): CollectionHandlers {
  const { store } = ctx;

  return {
    'collections.operations': async ({ apiId }) => {
      requireApi(store, apiId);
      const kept = store.mocks.openApiDocument(apiId);
      if (!kept) return { apiId, tags: [], operations: [] };
      // Checked when it was kept; a document that no longer parses lists nothing rather than failing Try it.
      const parsed = parseOpenApiDocument(kept.document);
      if (typeof parsed === 'string') return { apiId, updatedAt: kept.updatedAt, tags: [], operations: [] };
      return { ...operationsFromOpenApi(parsed, apiId), updatedAt: kept.updatedAt };
    },

    'savedRequests.list': async ({ apiId }) => {
      requireApi(store, apiId);
      return store.savedRequests.list(apiId).map(toSavedRequest);
    },

    'savedRequests.save': async ({ apiId, name, method, path, headers, body, operation }) =>
      store.transaction(() => {
        requireApi(store, apiId);
        return toSavedRequest(store.savedRequests.save(apiId, name, { method, path, headers, ...(body !== undefined ? { body } : {}), ...(operation !== undefined ? { operation } : {}) }));
      }),

    'savedRequests.rename': async ({ apiId, requestId, name }) =>
      store.transaction(() => {
        requireApi(store, apiId);
        const current = requireSavedRequest(store, apiId, requestId);
        if (current.name === name) return toSavedRequest(current);
        const clash = store.savedRequests.findByName(apiId, name);
        if (clash) throw conflict(`a saved request named "${name}" already exists on this API`, 'name');
        return toSavedRequest(store.savedRequests.rename(requestId, name)!);
      }),

    'savedRequests.remove': async ({ apiId, requestId }) => {
      store.transaction(() => {
        requireApi(store, apiId);
        requireSavedRequest(store, apiId, requestId);
        store.savedRequests.delete(requestId);
      });
    },
  };
}
