/** Inline banners: shown next to what failed (a form, a list), never only in the console. */
import type { ReactNode } from 'react';
import { Icon } from './icons';

export function Banner({ kind = 'error', title, children, action }: { kind?: 'error' | 'warning' | 'info' | 'success'; title?: ReactNode; children?: ReactNode; action?: ReactNode }) {
  const icon = kind === 'error' || kind === 'warning' ? 'warning' : kind === 'success' ? 'check' : 'info';
  return (
    <div className={`banner banner-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <Icon name={icon} size={16} />
      <div className="banner-body">
        {title ? <div className="banner-title">{title}</div> : null}
        {children ? <div className="banner-text">{children}</div> : null}
      </div>
      {action ? <div className="banner-action">{action}</div> : null}
    </div>
  );
}
