/**
 * A docker gateway's `sharedStorage.redis` is kept in the settings table; its password (and an
 * address that carries one, `redis://user:pw@host`) must reach the replicas in clear, so it is
 * stored encrypted with the data dir's key and decrypted when a snapshot is built.
 */
import type { SharedStorage } from '../../shared/contract/models';
import { isSealed, type SecretBox } from '../store/secret-box';
import type { Store } from '../store/store';

type Redis = NonNullable<SharedStorage['redis']>;

/** The settings as written to the store. */
export function sealRedis(redis: Redis, box: SecretBox): Redis {
  return {
    ...redis,
    ...(redis.password !== undefined ? { password: box.seal(redis.password) } : {}),
    ...(hasCredentials(redis.address) ? { address: box.seal(redis.address) } : {}),
  };
}

/** The settings as replicas need them; throws SecretUnreadableError naming the field. */
export function openRedis(redis: Redis, box: SecretBox, gatewayId: string): Redis {
  const field = (name: string) => `gateway ${gatewayId}: sharedStorage.redis.${name}`;
  return {
    ...redis,
    address: box.open(redis.address, field('address')),
    ...(redis.password !== undefined ? { password: box.open(redis.password, field('password')) } : {}),
  };
}

/** True when stored settings still hold a secret in clear (written before encryption). */
export function holdsPlainRedisSecret(redis: Redis): boolean {
  return (redis.password !== undefined && !isSealed(redis.password)) || (!isSealed(redis.address) && hasCredentials(redis.address));
}

/** Encrypts what an older Gatehouse stored in clear under `key` (failures logged, start goes on). */
export async function sealStoredRedisSecrets(
  key: string,
  store: Store,
  write: (change: (tx: Store) => void) => Promise<void>,
  log: (level: 'error', message: string) => void,
): Promise<void> {
  const stored = store.settings.get<Record<string, SharedStorage>>(key) ?? {};
  if (!Object.values(stored).some((storage) => storage.redis && holdsPlainRedisSecret(storage.redis))) return;
  await write((tx) => {
    const all = tx.settings.get<Record<string, SharedStorage>>(key) ?? {};
    for (const storage of Object.values(all)) if (storage.redis) storage.redis = sealRedis(storage.redis, tx.secrets);
    tx.settings.set(key, all);
  }).catch((error: Error) => log('error', `Redis passwords could not be encrypted: ${error.message}`));
}

/** For display: `redis://user:***@host:6379`. */
export function displayRedisAddress(address: string): string {
  return address.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

function hasCredentials(address: string): boolean {
  return /^rediss?:\/\/[^/]*@/.test(address);
}
