/**
 * Mocks and recordings of an API: settings (mode, source, hand-written routes, record switch),
 * the OpenAPI document kept with the API, and recordings (list, export and import as files,
 * delete). Settings go through `live.write`, so the gateway answers from the new mock at once.
 */
import { ContractError } from '../../../shared/contract/errors';
import type { ContractHandlers } from '../../../shared/contract/methods';
import { mockRoutesFromOpenApi } from '../../../shared/mocks/openapi-examples';
import { RECORDING_FORMAT, RECORDING_MATCH_RULES, type MockSettings, type RecordingSummary } from '../../../shared/mocks/mock-models';
import { parseOpenApiDocument } from '../../config/compile-mocks';
import type { MockRecord, RecordingRecord } from '../../store/mocks';
import type { Store } from '../../store/store';
import { requireApi, type HandlerContext } from './context';

type MockHandlers = Pick<
  ContractHandlers,
  'mocks.get' | 'mocks.update' | 'mocks.putOpenApi' | 'recordings.list' | 'recordings.export' | 'recordings.import' | 'recordings.remove'
>;

const OFF = (apiId: string): Omit<MockRecord, 'updatedAt'> => ({ apiId, mode: 'off', source: 'routes', routes: [] });

export function mockSettingsOf(store: Store, apiId: string): MockSettings {
  const record = store.mocks.get(apiId) ?? OFF(apiId);
  const document = store.mocks.openApiDocument(apiId);
  let openApi: MockSettings['openApi'];
  if (document) {
    const parsed = parseOpenApiDocument(document.document);
    openApi = { operations: typeof parsed === 'string' ? 0 : mockRoutesFromOpenApi(parsed).length, updatedAt: document.updatedAt };
  }
  return {
    apiId,
    mode: record.mode,
    source: record.source,
    ...(record.recordingId ? { recordingId: record.recordingId } : {}),
    routes: record.routes,
    ...(record.recordInto ? { recordingInto: record.recordInto } : {}),
    ...(openApi ? { openApi } : {}),
    matchRules: RECORDING_MATCH_RULES,
  };
}

function toSummary(record: RecordingRecord): RecordingSummary {
  return { id: record.id, apiId: record.apiId, name: record.name, createdAt: record.createdAt, exchanges: record.exchanges };
}

function requireRecording(store: Store, apiId: string, recordingId: string) {
  const recording = store.mocks.getRecording(recordingId);
  if (!recording || recording.apiId !== apiId) throw ContractError.notFound('recording', recordingId);
  return recording;
}

export function mockHandlers(ctx: HandlerContext): MockHandlers {
  const { store, live } = ctx;

  return {
    'mocks.get': async ({ apiId }) => {
      requireApi(store, apiId);
      return mockSettingsOf(store, apiId);
    },

    'mocks.update': async ({ apiId, mode, source, recordingId, routes, recordInto }) =>
      live.write((tx, changes) => {
        requireApi(tx, apiId);
        const current = tx.mocks.get(apiId) ?? OFF(apiId);
        const next: Omit<MockRecord, 'updatedAt'> = { ...current };
        if (mode !== undefined) next.mode = mode;
        if (source !== undefined) next.source = source;
        if (routes !== undefined) next.routes = routes;
        if (recordingId === null) delete next.recordingId;
        else if (recordingId !== undefined) {
          requireRecordingField(tx, apiId, recordingId);
          next.recordingId = recordingId;
        }
        if (recordInto === null) delete next.recordInto;
        else if (recordInto !== undefined) next.recordInto = tx.mocks.recordingNamed(apiId, recordInto);
        // A mock that is on must have something to answer from: say which field is missing.
        if (next.mode !== 'off') {
          if (next.source === 'recording' && next.recordingId === undefined)
            throw ContractError.validation([{ path: 'recordingId', message: 'choose the recording the mock replays' }]);
          if (next.source === 'openapi' && !tx.mocks.openApiDocument(apiId))
            throw ContractError.validation([{ path: 'source', message: 'this API has no OpenAPI document; upload one first' }]);
        }
        tx.mocks.put(next);
        changes.push({ kind: 'api', id: apiId, action: 'updated' });
        return mockSettingsOf(tx, apiId);
      }),

    'mocks.putOpenApi': async ({ apiId, document }) => {
      const parsed = parseOpenApiDocument(document);
      if (typeof parsed === 'string') throw ContractError.validation([{ path: 'document', message: parsed }]);
      return live.write((tx, changes) => {
        requireApi(tx, apiId);
        tx.mocks.putOpenApiDocument(apiId, document);
        changes.push({ kind: 'api', id: apiId, action: 'updated' });
        return mockSettingsOf(tx, apiId);
      });
    },

    'recordings.list': async ({ apiId }) => {
      requireApi(store, apiId);
      return store.mocks.listRecordings(apiId).map(toSummary);
    },

    'recordings.export': async ({ apiId, recordingId }) => {
      requireApi(store, apiId);
      const recording = requireRecording(store, apiId, recordingId);
      return { format: RECORDING_FORMAT, name: recording.name, exchanges: store.mocks.exchanges(recordingId) };
    },

    'recordings.import': async ({ apiId, file }) =>
      live.write((tx) => {
        requireApi(tx, apiId);
        // Same name: replaced, keeping its id (a mock replaying it keeps working).
        const existing = tx.mocks.findRecordingByName(apiId, file.name);
        const id = existing ?? tx.mocks.recordingNamed(apiId, file.name);
        if (existing) tx.mocks.clearExchanges(id);
        for (const exchange of file.exchanges) {
          tx.mocks.appendExchange(id, {
            method: exchange.method.toUpperCase(),
            path: exchange.path,
            query: exchange.query,
            status: exchange.status,
            headers: exchange.headers,
            body: Buffer.from(exchange.bodyBase64, 'base64'),
            truncated: exchange.truncated,
            at: exchange.at ?? Date.now(),
          });
        }
        return toSummary(tx.mocks.listRecordings(apiId).find((recording) => recording.id === id)!);
      }),

    'recordings.remove': async ({ apiId, recordingId }) =>
      live.write((tx, changes) => {
        requireApi(tx, apiId);
        requireRecording(tx, apiId, recordingId);
        const mock = tx.mocks.get(apiId);
        if (mock && mock.mode !== 'off' && mock.source === 'recording' && mock.recordingId === recordingId)
          throw ContractError.conflict('the mock replays this recording; choose another source or turn the mock off first', [{ path: 'recordingId', message: 'in use by the mock' }]);
        tx.mocks.removeRecording(recordingId);
        changes.push({ kind: 'api', id: apiId, action: 'updated' });
      }),
  };
}

function requireRecordingField(store: Store, apiId: string, recordingId: string): void {
  const recording = store.mocks.getRecording(recordingId);
  if (!recording || recording.apiId !== apiId) throw ContractError.validation([{ path: 'recordingId', message: `this API has no recording "${recordingId}"` }]);
}
