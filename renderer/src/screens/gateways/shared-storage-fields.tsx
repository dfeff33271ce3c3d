/**
 * Shared storage (Redis, Flex's `sharedStorage.redis`) for a docker gateway's replicas, so
 * clusterizable rate limits count once across all of them instead of once per replica.
 */
import type { FieldErrors } from '../../lib/errors';
import type { Gateway, SharedStorage } from '../../../../shared/contract/models';
import { Field } from '../../ui/field';

export interface RedisDraft {
  enabled: boolean;
  address: string;
  username: string;
  password: string;
  db: string;
}

export function redisDraftOf(gateway?: Gateway): RedisDraft {
  const redis = gateway?.sharedStorage?.redis;
  return { enabled: Boolean(redis), address: redis?.address ?? '', username: redis?.username ?? '', password: '', db: redis?.db !== undefined ? String(redis.db) : '' };
}

/** The create/update input; empty optional fields are left out rather than sent blank. */
export function sharedStorageOf(draft: RedisDraft): SharedStorage | undefined {
  if (!draft.enabled) return undefined;
  return {
    redis: {
      address: draft.address.trim(),
      ...(draft.username ? { username: draft.username } : {}),
      ...(draft.password ? { password: draft.password } : {}),
      ...(draft.db.trim() !== '' ? { db: Number(draft.db) } : {}),
    },
  };
}

const PREFIX = 'sharedStorage.redis.';

export function SharedStorageFields({ draft, onChange, errors, hasPassword }: { draft: RedisDraft; onChange(draft: RedisDraft): void; errors: FieldErrors; hasPassword?: boolean }) {
  const set = (patch: Partial<RedisDraft>) => onChange({ ...draft, ...patch });
  return (
    <fieldset className="stack" style={{ border: 0, padding: 0, margin: 0 }}>
      <legend className="field-label">Shared counters</legend>
      <Field label="Share rate-limit counters through Redis" inline hint="Without it each replica counts on its own: a 10/min limit on 3 replicas admits up to 30/min." error={errors.sharedStorage}>
        <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
      </Field>
      {draft.enabled ? (
        <>
          <div className="form-row">
            <Field label="Redis address" required hint="host:port or a redis:// URL; 127.0.0.1 works from the replicas too." error={errors[`${PREFIX}address`] ?? errors['sharedStorage.redis']} className="grow">
              <input className="input mono" value={draft.address} onChange={(e) => set({ address: e.target.value })} placeholder="127.0.0.1:6379" />
            </Field>
            <Field label="Database" hint="0–15" error={errors[`${PREFIX}db`]}>
              <input className="input" type="number" min={0} max={15} value={draft.db} onChange={(e) => set({ db: e.target.value })} placeholder="0" style={{ width: '6rem' }} />
            </Field>
          </div>
          <div className="form-row">
            <Field label="Redis username" error={errors[`${PREFIX}username`]} className="grow">
              <input className="input" value={draft.username} onChange={(e) => set({ username: e.target.value })} autoComplete="off" />
            </Field>
            <Field label="Redis password" hint={hasPassword ? 'A password is saved; it is never shown. Enter it again when you change these settings.' : undefined} error={errors[`${PREFIX}password`]} className="grow">
              <input className="input" type="password" value={draft.password} onChange={(e) => set({ password: e.target.value })} autoComplete="new-password" />
            </Field>
          </div>
        </>
      ) : null}
    </fieldset>
  );
}
