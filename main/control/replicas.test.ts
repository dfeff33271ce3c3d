/**
 * The replica registry on a real SQLite store: tokens stored only hashed, rotation and
 * revocation, Connected → Disconnected after three missed heartbeats, expiry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../store/store';
import { REPLICA_TOKENS_KEY, ReplicaRegistry } from './replicas';

let dir: string;
let store: Store;
let now: number;
let changes: string[];
let registry: ReplicaRegistry;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gatehouse-replicas-'));
  store = Store.open(dir);
  now = 1_000_000;
  changes = [];
  registry = new ReplicaRegistry({ store, write: async (change) => change(store), now: () => now, expireAfterMs: 60_000, onChange: (id) => changes.push(id) });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('replica tokens', () => {
  it('are stored hashed, work for their gateway only, and stop working when rotated or revoked', async () => {
    const token = await registry.issueToken('gw_a');
    expect(token).toMatch(/^ghr\.gw_a\./);
    expect(JSON.stringify(store.settings.get(REPLICA_TOKENS_KEY))).not.toContain(token.split('.')[2]);
    expect(registry.authenticate(token)).toBe('gw_a');
    expect(registry.authenticate(token)).toBe('gw_a'); // cached path
    expect(registry.authenticate(token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).toBeUndefined();
    expect(registry.authenticate(token.replace('gw_a', 'gw_b'))).toBeUndefined();

    const rotated = await registry.issueToken('gw_a');
    expect(registry.authenticate(token)).toBeUndefined();
    expect(registry.authenticate(rotated)).toBe('gw_a');

    expect(await registry.revokeToken('gw_a')).toBe(true);
    expect(registry.authenticate(rotated)).toBeUndefined();
    expect(registry.hasToken('gw_a')).toBe(false);
    expect(await registry.revokeToken('gw_a')).toBe(false);
  });

  it('survive a restart of the control plane (a new registry on the same store)', async () => {
    const token = await registry.issueToken('gw_a');
    const later = new ReplicaRegistry({ store, write: async (change) => change(store) });
    expect(later.authenticate(token)).toBe('gw_a');
  });
});

describe('replica registry', () => {
  it('shows a replica connected while heartbeats arrive, disconnected after three missed ones, then forgets it', () => {
    registry.register('gw_a', { name: 'r1', listenPort: 9001 });
    expect(registry.get('gw_a', 'r1')).toMatchObject({ connection: 'connected', listenPort: 9001, health: 'starting' });
    registry.heartbeat('gw_a', { name: 'r1', status: 'ok', counters: 'redis', configVersion: 'v1' });
    expect(registry.list('gw_a')).toEqual([expect.objectContaining({ name: 'r1', connection: 'connected', configVersion: 'v1', counters: 'redis' })]);

    now += 5_900;
    registry.sweep();
    expect(registry.get('gw_a', 'r1')!.connection).toBe('connected');
    now += 200; // 6.1 s: three 2-second heartbeats missed
    changes.length = 0;
    registry.sweep();
    expect(registry.get('gw_a', 'r1')!.connection).toBe('disconnected');
    expect(changes).toEqual(['gw_a']);

    registry.heartbeat('gw_a', { name: 'r1', status: 'ok', counters: 'redis', configVersion: 'v1' });
    expect(registry.get('gw_a', 'r1')!.connection).toBe('connected');

    now += 60_001;
    registry.sweep();
    expect(registry.list('gw_a')).toEqual([]);
  });

  it('takes a heartbeat from a replica it does not know (the control plane restarted) and forgets a deleted gateway', () => {
    registry.heartbeat('gw_a', { name: 'r2', status: 'degraded', counters: 'local', lastConfigError: 'port in use' });
    expect(registry.get('gw_a', 'r2')).toMatchObject({ connection: 'connected', health: 'degraded', lastConfigError: 'port in use' });
    registry.forget('gw_a');
    expect(registry.list('gw_a')).toEqual([]);
  });
});
