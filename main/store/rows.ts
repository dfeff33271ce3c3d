/**
 * Small helpers the repositories share: ids, timestamps, JSON and boolean columns.
 */
import { randomBytes } from 'node:crypto';

/** `api_3f9c2a7d1e0b4c55`: a prefix says what the id names, 16 hex chars make it unique. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}

/** Epoch milliseconds, as every time in the contract. */
export function nowMs(): number {
  return Date.now();
}

export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export function fromJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined) return fallback;
  const value = JSON.parse(text) as T | null;
  return value === null ? fallback : value;
}

export function toFlag(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

export function fromFlag(value: number): boolean {
  return value !== 0;
}

/** Drops `undefined` fields so a PATCH only touches what it names. */
export function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}
