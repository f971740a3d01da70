// Reproducible identity of a config: SHA-256 of the canonical, key-sorted resolved config. The run id built
// from it has its format in results/vocabulary.ts.
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

/**
 * SHA-256 of the canonical config. Left out: the campaign id (identity, not configuration) and tracking (where
 * results are reported changes no figure: switching it on must not start a new run id and repeat every run).
 */
export function configHash(config: BenchConfig): string {
  const { campaignId: _campaign, tracking: _tracking, ...configuration } = config;
  return createHash('sha256').update(canonicalJson(configuration)).digest('hex');
}
