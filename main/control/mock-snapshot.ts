/**
 * An API's stored mock → what its ApiSnapshot carries: the mock (mode and routes from the
 * chosen source) and, while the record switch is on, the recording responses go to. Also the
 * sink that stores what the gateway recorded.
 */
import { RECORDED_BODY_LIMIT } from '../../shared/mocks/mock-models';
import { parseOpenApiDocument } from '../config/compile-mocks';
import { mockRouteSnapshots, type MockSources } from '../config/mock-routes';
import type { RecordedResponse } from '../gateway/mock';
import type { ApiSnapshot } from '../gateway/snapshot';
import type { Store } from '../store/store';

export function mockPartsFor(store: Store, apiId: string): Pick<ApiSnapshot, 'mock' | 'recording'> {
  const record = store.mocks.get(apiId);
  if (!record) return {};
  const parts: Pick<ApiSnapshot, 'mock' | 'recording'> = {};
  if (record.mode !== 'off') {
    const sources: MockSources = {};
    if (record.source === 'routes') sources.routes = record.routes;
    else if (record.source === 'recording' && record.recordingId) {
      const recording = store.mocks.getRecording(record.recordingId);
      if (recording) sources.recording = { name: recording.name, exchanges: store.mocks.exchanges(recording.id) };
    } else if (record.source === 'openapi') {
      const document = store.mocks.openApiDocument(apiId);
      const parsed = document ? parseOpenApiDocument(document.document) : undefined;
      if (parsed !== undefined && typeof parsed !== 'string') sources.openapi = parsed;
    }
    parts.mock = { mode: record.mode, routes: mockRouteSnapshots(sources) };
  }
  // The recording's id travels as its name: the sink stores by id.
  if (record.recordInto) parts.recording = { name: record.recordInto, maxBodyBytes: RECORDED_BODY_LIMIT };
  return parts;
}

/** Stores a response the gateway recorded; a recording deleted meanwhile is skipped. */
export function storeRecorded(store: Store, recorded: RecordedResponse): void {
  const recording = store.mocks.getRecording(recorded.recording);
  if (!recording || recording.apiId !== recorded.apiId) return;
  store.mocks.appendExchange(recording.id, {
    method: recorded.method,
    path: recorded.path,
    query: recorded.query,
    status: recorded.status,
    headers: recorded.headers,
    body: recorded.body,
    truncated: recorded.truncated,
    at: recorded.at,
  });
}
