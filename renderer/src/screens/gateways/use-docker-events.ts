/**
 * Docker facts the Gateways screen shows live: engine status, image-build progress and orphaned
 * containers, refreshed from events (no polling) while the screen is open.
 */
import { useEffect } from 'react';
import { useAppContext } from '../../state/store';

export function useDockerEvents(): void {
  const { client, store } = useAppContext();
  useEffect(() => {
    const state = () => store.getState();
    void state().loadOrphans();
    const offs = [
      client.on('docker.progress', (progress) => state().applyDockerProgress(progress)),
      client.on('docker.status', (info) => {
        state().applyDockerStatus(info);
        // An engine that just appeared may hold containers of gateways deleted meanwhile.
        if (info.status === 'available') void state().loadOrphans();
      }),
      // Removing a gateway (here or elsewhere) is what leaves containers behind, if anything does.
      client.on('resource.changed', (change) => {
        if (change.kind === 'gateway' || change.kind === 'config') void state().loadOrphans();
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [client, store]);
}
