/**
 * "Pause all traffic": whether every gateway answers 503 TRAFFIC_PAUSED right now. Read with
 * system info at start, kept current by the `traffic.state` event (a pause from the tray or the
 * admin API shows at once), changed through `traffic.pause` / `traffic.resume`. Not the traffic
 * log's own pause (traffic.ts), which only stops the list from scrolling.
 */
import type { ContractClient } from '../../../shared/contract/client';
import type { TrafficState } from '../../../shared/contract/models';
import type { Slice } from './store';

export interface TrafficPauseSlice {
  allTraffic: TrafficState;
  /** Pauses (true) or resumes (false); the answer and the event both update `allTraffic`. */
  setAllTrafficPaused(paused: boolean): Promise<TrafficState>;
  /** From the event stream or system info. */
  applyAllTraffic(state: TrafficState): void;
}

export const createTrafficPauseSlice =
  (client: ContractClient): Slice<TrafficPauseSlice> =>
  (set, get) => ({
    allTraffic: { paused: false },
    async setAllTrafficPaused(paused) {
      const state = paused ? await client.traffic.pause() : await client.traffic.resume();
      get().applyAllTraffic(state);
      return state;
    },
    applyAllTraffic(state) {
      const info = get().systemInfo;
      set({ allTraffic: state, ...(info ? { systemInfo: { ...info, traffic: state } } : {}) });
    },
  });
