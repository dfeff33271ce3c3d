/** Copies text and says so (icon turns into a check, and a screen-reader announcement). */
import { useEffect, useState } from 'react';
import { copyText } from '../lib/browser';
import { Icon } from './icons';

export function CopyButton({ text, label = 'Copy', showLabel = false, size = 'sm', className }: { text: string; label?: string; showLabel?: boolean; size?: 'sm' | 'md'; className?: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      className={`${showLabel ? `btn btn-secondary ${size === 'sm' ? 'btn-sm' : ''}` : 'icon-btn'} ${className ?? ''}`}
      aria-label={showLabel ? undefined : label}
      title={label}
      onClick={async () => {
        await copyText(text);
        setCopied(true);
      }}
    >
      <Icon name={copied ? 'check' : 'copy'} />
      {showLabel ? (copied ? 'Copied' : label) : null}
      <span className="visually-hidden" aria-live="polite">
        {copied ? 'Copied' : ''}
      </span>
    </button>
  );
}
