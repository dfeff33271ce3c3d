/**
 * "Pause all traffic" in the window: a toggle in the top bar and, while paused, a banner above
 * every screen with Resume. The state comes from the control plane (`traffic.state`), so a
 * pause started from the tray or the admin API shows here at once.
 */
import { useState } from 'react';
import { errorMessage } from '../lib/errors';
import { formatDateTime, timeAgo } from '../lib/format';
import { useActions, useAppStore } from '../state/store';
import { Banner } from '../ui/banner';
import { Button } from '../ui/button';
import { Icon } from '../ui/icons';

function usePauseToggle() {
  const traffic = useAppStore((s) => s.allTraffic);
  const { setAllTrafficPaused, pushToast } = useActions();
  const [pending, setPending] = useState(false);
  async function toggle() {
    const pausing = !traffic.paused;
    setPending(true);
    try {
      await setAllTrafficPaused(pausing);
    } catch (error) {
      pushToast({ kind: 'error', title: pausing ? 'Could not pause traffic' : 'Could not resume traffic', message: errorMessage(error) });
    } finally {
      setPending(false);
    }
  }
  return { traffic, pending, toggle };
}

/** Top bar: a pause button while traffic flows; "Traffic paused · Resume" while it does not. */
export function TrafficPauseToggle() {
  const { traffic, pending, toggle } = usePauseToggle();
  if (traffic.paused)
    return (
      <button type="button" className="status-chip status-chip-paused" onClick={() => void toggle()} disabled={pending} aria-label="Traffic is paused — Resume" title="Every gateway answers 503 until you resume">
        <Icon name="play" size={14} />
        <span>Traffic paused · Resume</span>
      </button>
    );
  return (
    <button type="button" className="icon-btn" onClick={() => void toggle()} disabled={pending} aria-label="Pause all traffic" title="Pause all traffic: every gateway answers 503 until you resume">
      <Icon name="pause" />
    </button>
  );
}

/** Above every screen while paused, so nobody mistakes the 503s for an outage. */
export function TrafficPausedBanner() {
  const { traffic, pending, toggle } = usePauseToggle();
  if (!traffic.paused) return null;
  return (
    <div className="connection-banner" data-testid="traffic-paused-banner">
      <Banner
        kind="warning"
        title="Traffic is paused"
        action={
          <Button variant="primary" icon="play" pending={pending} onClick={() => void toggle()}>
            Resume traffic
          </Button>
        }
      >
        Every gateway, Docker replicas included, answers <code>503 TRAFFIC_PAUSED</code> until you resume.
        {traffic.pausedAt ? (
          <>
            {' '}
            Paused <time dateTime={new Date(traffic.pausedAt).toISOString()} title={formatDateTime(traffic.pausedAt)}>{timeAgo(traffic.pausedAt)}</time>.
          </>
        ) : null}
      </Banner>
    </div>
  );
}
