/**
 * "Pause all traffic", owned by the control plane: the embedded gateway answers 503
 * TRAFFIC_PAUSED at once (GatewayRuntime.setPaused), connected replicas get it with their next
 * snapshot (a pause changes the snapshot version, so their long polls answer at once), and
 * `traffic.state` tells the window and the tray. The window, the tray and the admin API all go
 * through the contract's `traffic.pause` / `traffic.resume`, which land here.
 *
 * Kept in memory on purpose: a quick toggle that a restart clears, never a silent outage that
 * survives one.
 */
import type { TrafficState } from '../../shared/contract/models';
import type { EventBus } from './event-bus';
import type { ControlLog } from './live-config';

export interface TrafficPauseOptions {
  /** The embedded gateway (GatewayRuntime's public pause switch). */
  runtime: { setPaused(paused: boolean): void };
  bus: EventBus;
  log: ControlLog;
  /** Called on every change, before the event (replica snapshots pick the new state up). */
  onChange?: (state: TrafficState) => void;
}

export class TrafficPause {
  private current: TrafficState = { paused: false };

  constructor(private readonly options: TrafficPauseOptions) {}

  get state(): TrafficState {
    return this.current;
  }

  get paused(): boolean {
    return this.current.paused;
  }

  /** Pauses or resumes; asking for the state it is already in changes nothing and emits nothing. */
  set(paused: boolean): TrafficState {
    if (paused === this.current.paused) return this.current;
    this.options.runtime.setPaused(paused);
    const pausedAt = this.current.pausedAt;
    this.current = paused ? { paused: true, pausedAt: Date.now() } : { paused: false };
    // The resume at the same level as the pause: a log that shows the 503s starting must show
    // them ending (`gatehouse serve` prints warnings always, informational lines only with --verbose).
    this.options.log(
      'warn',
      paused
        ? 'all traffic paused: gateways answer 503 TRAFFIC_PAUSED until resumed'
        : `traffic resumed${pausedAt ? ` after ${pausedFor(Date.now() - pausedAt)}` : ''}: gateways serve requests again`,
    );
    this.options.onChange?.(this.current);
    this.options.bus.emit('traffic.state', this.current);
    return this.current;
  }
}

/** "12 s", "3 min 5 s", "2 h 4 min". */
function pausedFor(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min${seconds % 60 ? ` ${seconds % 60} s` : ''}`;
  return `${Math.floor(minutes / 60)} h${minutes % 60 ? ` ${minutes % 60} min` : ''}`;
}
