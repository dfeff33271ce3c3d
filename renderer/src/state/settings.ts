/** App settings and system info (version, data dir, ports), plus the effective theme. */
import type { ContractClient } from '../../../shared/contract/client';
import type { Settings, SettingsPatch, SystemInfo } from '../../../shared/contract/models';
import { defaultSettings } from '../../../shared/contract/models';
import { errorMessage } from '../lib/errors';
import { idle, type LoadState } from './load-state';
import type { Slice } from './store';

export interface SettingsSlice {
  settings: Settings;
  settingsLoad: LoadState;
  systemInfo?: SystemInfo;
  loadSettings(): Promise<void>;
  loadSystemInfo(): Promise<void>;
  updateSettings(patch: SettingsPatch): Promise<Settings>;
}

export const createSettingsSlice =
  (client: ContractClient): Slice<SettingsSlice> =>
  (set, get) => ({
    settings: defaultSettings,
    settingsLoad: idle,
    systemInfo: undefined,
    async loadSettings() {
      if (get().settingsLoad.status !== 'ready') set({ settingsLoad: { status: 'loading' } });
      try {
        set({ settings: await client.settings.get(), settingsLoad: { status: 'ready' } });
      } catch (error) {
        set({ settingsLoad: { status: 'error', error: errorMessage(error) } });
      }
    },
    async loadSystemInfo() {
      try {
        const systemInfo = await client.system.info();
        set({ systemInfo, allTraffic: systemInfo.traffic });
      } catch {
        // Optional information: screens show "unknown" rather than an error.
      }
    },
    async updateSettings(patch) {
      // The theme applies at once; the server's answer confirms it.
      const before = get().settings;
      if (patch.theme) set({ settings: { ...before, theme: patch.theme } });
      try {
        const settings = await client.settings.update(patch);
        set({ settings });
        return settings;
      } catch (error) {
        set({ settings: before });
        throw error;
      }
    },
  });
