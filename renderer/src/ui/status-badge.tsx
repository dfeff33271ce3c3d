/** Coloured status pills and dots; colours come from theme variables so both themes read well. */
import type { ReactNode } from 'react';

export type Tone = 'success' | 'warning' | 'danger' | 'info' | 'neutral' | 'accent';

export function Badge({ tone = 'neutral', children, dot, title }: { tone?: Tone; children: ReactNode; dot?: boolean; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {dot ? <span className={`dot dot-${tone}`} aria-hidden="true" /> : null}
      {children}
    </span>
  );
}

export function StatusDot({ tone, label, pulse }: { tone: Tone; label: string; pulse?: boolean }) {
  return <span className={`dot dot-${tone} ${pulse ? 'dot-pulse' : ''}`} role="img" aria-label={label} title={label} />;
}

const GATEWAY_TONES: Record<string, Tone> = { running: 'success', starting: 'info', stopped: 'neutral', degraded: 'warning', error: 'danger' };
export function gatewayTone(status: string): Tone {
  return GATEWAY_TONES[status] ?? 'neutral';
}

const CONTRACT_TONES: Record<string, Tone> = { approved: 'success', pending: 'warning', revoked: 'danger' };
export function contractTone(status: string): Tone {
  return CONTRACT_TONES[status] ?? 'neutral';
}

const SEVERITY_TONES: Record<string, Tone> = { info: 'info', warning: 'warning', critical: 'danger' };
export function severityTone(severity: string | undefined): Tone {
  return SEVERITY_TONES[severity ?? ''] ?? 'neutral';
}

const VERDICT_TONES: Record<string, Tone> = { allow: 'success', modify: 'info', skip: 'neutral', deny: 'danger', respond: 'accent', error: 'danger' };
export function verdictTone(verdict: string): Tone {
  return VERDICT_TONES[verdict] ?? 'neutral';
}
