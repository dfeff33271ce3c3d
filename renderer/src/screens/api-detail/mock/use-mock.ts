/** The API's mock settings and recordings, loaded together and refreshed after each change. */
import { useCallback, useEffect, useState } from 'react';
import type { MockSettings, RecordingSummary } from '../../../../../shared/mocks/mock-models';
import { errorMessage } from '../../../lib/errors';
import { useClient } from '../../../state/store';

export interface MockState {
  settings?: MockSettings;
  recordings: RecordingSummary[];
  error?: string;
  reload(): Promise<void>;
}

export function useMock(apiId: string): MockState {
  const client = useClient();
  const [settings, setSettings] = useState<MockSettings>();
  const [recordings, setRecordings] = useState<RecordingSummary[]>([]);
  const [error, setError] = useState<string>();

  const reload = useCallback(async () => {
    try {
      const [nextSettings, nextRecordings] = await Promise.all([client.mocks.get({ apiId }), client.recordings.list({ apiId })]);
      setSettings(nextSettings);
      setRecordings(nextRecordings);
      setError(undefined);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }, [client, apiId]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { settings, recordings, error, reload };
}
