/**
 * An API's metrics over a window, refreshed while open when `traffic.tick` reports traffic for
 * it (event-driven, throttled by window size: a 30-day view need not redraw every second).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiMetrics } from '../../../../shared/contract/telemetry-models';
import { errorMessage } from '../../lib/errors';
import { useClient } from '../../state/store';

export const WINDOWS = [
  { value: '300', label: '5 min', seconds: 300, refreshMs: 1000 },
  { value: '3600', label: '1 h', seconds: 3600, refreshMs: 5000 },
  { value: '86400', label: '24 h', seconds: 86_400, refreshMs: 30_000 },
  { value: '2592000', label: '30 d', seconds: 2_592_000, refreshMs: 60_000 },
] as const;
export type WindowValue = (typeof WINDOWS)[number]['value'];

/** `seconds`: the window; `refreshMs`: at most one refresh per this long while traffic flows. */
export function useLiveMetrics(apiId: string, seconds: number, refreshMs = 1000) {
  const client = useClient();
  const [metrics, setMetrics] = useState<ApiMetrics>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const last = useRef(0);
  const inFlight = useRef(false);
  const spec = { seconds, refreshMs };

  const refresh = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    last.current = Date.now();
    try {
      setMetrics(await client.metrics.get({ apiId, window: spec.seconds }));
      setError(undefined);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      inFlight.current = false;
      setLoading(false);
    }
  }, [client, apiId, spec.seconds]);

  useEffect(() => {
    setLoading(true);
    void refresh();
  }, [refresh]);

  useEffect(() => {
    let trailing: ReturnType<typeof setTimeout> | undefined;
    const off = client.on('traffic.tick', (tick) => {
      if (!tick.apis.some((entry) => entry.apiId === apiId)) return;
      const wait = spec.refreshMs - (Date.now() - last.current);
      if (wait <= 0) void refresh();
      else if (!trailing) trailing = setTimeout(() => {
          trailing = undefined;
          void refresh();
        }, wait);
    });
    return () => {
      off();
      clearTimeout(trailing);
    };
  }, [client, apiId, refresh, spec.refreshMs]);

  return { metrics, error, loading, refresh };
}
