/** A headline number with its label and an optional hint or tone. */
import type { ReactNode } from 'react';
import type { Tone } from './status-badge';

export function StatCard({ label, value, hint, tone, testId }: { label: string; value: ReactNode; hint?: ReactNode; tone?: Tone; testId?: string }) {
  return (
    <div className={`stat-card ${tone ? `stat-${tone}` : ''}`} data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  );
}

export function PageHeader({ title, subtitle, actions, children }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      <div className="page-header-main">
        <div className="page-header-titles">
          <h1 className="page-title">{title}</h1>
          {subtitle ? <div className="page-subtitle">{subtitle}</div> : null}
        </div>
        {actions ? <div className="page-actions">{actions}</div> : null}
      </div>
      {children}
    </header>
  );
}
