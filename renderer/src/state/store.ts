/**
 * The app store: one zustand store made of per-resource slices (apis.ts, policies.ts, …), each
 * talking to main through the typed contract client. Screens read it with `useAppStore`.
 */
import { createContext, createElement, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import { createClient, type ContractClient, type Transport } from '../../../shared/contract/client';
import { isErrorEnvelope } from '../../../shared/contract/errors';
import type { AppTransport } from '../transport/app-transport';
import { createAlertsSlice, type AlertsSlice } from './alerts';
import { createApisSlice, type ApisSlice } from './apis';
import { createApplicationsSlice, type ApplicationsSlice } from './applications';
import { createContractsSlice, type ContractsSlice } from './contracts';
import { createGatewaysSlice, type GatewaysSlice } from './gateways';
import { createPoliciesSlice, type PoliciesSlice } from './policies';
import { createSessionSlice, type SessionSlice } from './session';
import { createSettingsSlice, type SettingsSlice } from './settings';
import { createToastsSlice, type ToastsSlice } from './toasts';
import { createTrafficSlice, type TrafficSlice } from './traffic';
import { createTrafficPauseSlice, type TrafficPauseSlice } from './traffic-pause';
import { createTrafficSearchSlice, type TrafficSearchSlice } from './traffic-search';
import { createUiSlice, type UiSlice } from './ui';

export type AppState = ApisSlice &
  PoliciesSlice &
  GatewaysSlice &
  ApplicationsSlice &
  ContractsSlice &
  AlertsSlice &
  TrafficSlice &
  TrafficPauseSlice &
  TrafficSearchSlice &
  SettingsSlice &
  ToastsSlice &
  SessionSlice &
  UiSlice;

export type Slice<T> = StateCreator<AppState, [], [], T>;
export type AppStore = StoreApi<AppState>;

export function createAppStore(client: ContractClient): AppStore {
  return createStore<AppState>()((...args) => ({
    ...createApisSlice(client)(...args),
    ...createPoliciesSlice(client)(...args),
    ...createGatewaysSlice(client)(...args),
    ...createApplicationsSlice(client)(...args),
    ...createContractsSlice(client)(...args),
    ...createAlertsSlice(client)(...args),
    ...createTrafficSlice(client)(...args),
    ...createTrafficPauseSlice(client)(...args),
    ...createTrafficSearchSlice(client)(...args),
    ...createSettingsSlice(client)(...args),
    ...createToastsSlice()(...args),
    ...createSessionSlice()(...args),
    ...createUiSlice()(...args),
  }));
}

/** Everything a screen may need from outside React state: the store, the client, the transport. */
export interface AppContextValue {
  store: AppStore;
  client: ContractClient;
  transport: AppTransport;
}

const AppContext = createContext<AppContextValue | null>(null);

export function createAppContext(transport: AppTransport): AppContextValue {
  let store: AppStore | undefined = undefined;
  // A session that expires while the app is open sends the user to sign in again.
  const watched: Transport = {
    async invoke(method, input) {
      const result = await transport.invoke(method, input);
      if (isErrorEnvelope(result) && result.error.code === 'UNAUTHORIZED') store?.getState().setNeedsLogin(true);
      return result;
    },
    subscribe: (event, listener) => transport.subscribe(event, listener),
  };
  const client = createClient(watched);
  store = createAppStore(client);
  return { store, client, transport };
}

export function AppProvider({ value, children }: { value: AppContextValue; children: ReactNode }) {
  return createElement(AppContext.Provider, { value }, children);
}

export function useAppContext(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useAppContext outside <AppProvider>');
  return value;
}

export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(useAppContext().store, selector);
}

export function useClient(): ContractClient {
  return useAppContext().client;
}

/**
 * The store's actions (stable functions) without subscribing to its data: for event handlers.
 * Never read data from it in render; use `useAppStore(selector)` for that.
 */
export function useActions(): AppState {
  return useAppContext().store.getState();
}
