/** "Are you sure?" with the consequence spelled out; the error stays in the dialog. */
import { useState, type ReactNode } from 'react';
import { errorMessage } from '../lib/errors';
import { Banner } from './banner';
import { Button } from './button';
import { Dialog } from './dialog';

export interface ConfirmDialogProps {
  title: ReactNode;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm(): Promise<unknown> | unknown;
  onClose(): void;
}

export function ConfirmDialog({ title, children, confirmLabel, danger, onConfirm, onClose }: ConfirmDialogProps) {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  async function confirm() {
    setPending(true);
    setError(undefined);
    try {
      await onConfirm();
      onClose();
    } catch (caught) {
      setError(errorMessage(caught));
      setPending(false);
    }
  }
  return (
    <Dialog title={title} onClose={onClose} size="sm">
      <div className="stack">
        <div className="confirm-text">{children}</div>
        {error ? <Banner kind="error">{error}</Banner> : null}
      </div>
      <div className="dialog-footer">
        <Button variant="ghost" onClick={onClose} data-autofocus>
          Cancel
        </Button>
        <Button variant={danger ? 'danger' : 'primary'} pending={pending} onClick={confirm}>
          {confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
