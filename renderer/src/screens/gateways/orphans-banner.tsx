/** Containers labelled by Gatehouse that no gateway owns: say so, and offer to remove them. */
import { useState } from 'react';
import { plural } from '../../lib/format';
import { useActions, useAppStore } from '../../state/store';
import { Banner } from '../../ui/banner';
import { Button } from '../../ui/button';
import { ConfirmDialog } from '../../ui/confirm-dialog';

export function OrphansBanner() {
  const orphans = useAppStore((s) => s.orphans);
  const { cleanupOrphans, pushToast } = useActions();
  const [confirming, setConfirming] = useState(false);
  // Containers of another Gatehouse data dir belong to that app: listed, never removed from here.
  const ours = orphans.filter((o) => !o.foreign);
  const foreign = orphans.length - ours.length;
  if (ours.length === 0) return null;
  return (
    <>
      <Banner
        kind="warning"
        title={`${plural(ours.length, 'leftover container')} from deleted gateways`}
        action={
          <Button size="sm" variant="danger" onClick={() => setConfirming(true)}>
            Remove them
          </Button>
        }
      >
        Docker still holds {ours.map((o) => o.name).join(', ')}, {ours.length === 1 ? 'labelled as a Gatehouse replica of a gateway that no longer exists.' : 'labelled as Gatehouse replicas of gateways that no longer exist.'}
        {foreign > 0 ? ` ${plural(foreign, 'other container')} belong${foreign === 1 ? 's' : ''} to another Gatehouse data dir and stay${foreign === 1 ? 's' : ''}.` : ''}
      </Banner>
      {confirming ? (
        <ConfirmDialog
          title="Remove leftover containers?"
          confirmLabel={`Remove ${plural(ours.length, 'container')}`}
          danger
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            const removed = await cleanupOrphans();
            pushToast({ kind: 'success', title: `${plural(removed.length, 'container')} removed` });
          }}
        >
          {ours.map((o) => o.name).join(', ')} will be stopped and removed from Docker. No gateway uses them.
        </ConfirmDialog>
      ) : null}
    </>
  );
}
