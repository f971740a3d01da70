// Reproducible identity of a run: the config hash (SHA-256 of the canonical, key-sorted resolved config)
// and the run id `<UTC YYYYMMDDTHHMMSSZ>_<first 12 hex of the hash>`.
import { createHash } from 'crypto';
import { BenchConfig } from './schema';

/** JSON with object keys sorted at every level, no whitespace: equal configs give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function configHash(config: BenchConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

/** `20261126T080102Z` for the given instant (UTC). */
export function utcStamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

export const RUN_ID = /^(\d{8}T\d{6}Z)_([0-9a-f]{12})$/;

export function runId(stamp: string, hash: string): string {
  const id = `${stamp}_${hash.slice(0, 12)}`;
  if (!RUN_ID.test(id)) throw new Error(`run id ${id} is malformed (stamp ${stamp}, hash ${hash})`);
  return id;
}
