// What a job's stress-ng wrote (`--yaml`): flat numeric figures for the job record. Every scheduler's job
// wrapper keeps that file; the scheduler's collect stage returns it.
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

const StressNgYaml = z.looseObject({
  metrics: z
    .array(z.looseObject({ stressor: z.string() }))
    .optional()
    .nullable(),
});

/** stress-ng's `--yaml` metrics → flat numeric figures (`cpu.bogo-ops-per-second-real-time`, …). */
export function stressNgMetrics(text: string): Record<string, number> {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch {
    // A job killed mid-write leaves a truncated file: it simply has no metrics.
    return {};
  }
  const doc = StressNgYaml.safeParse(value);
  const out: Record<string, number> = {};
  if (!doc.success) return out;
  for (const entry of doc.data.metrics ?? []) {
    for (const [key, value] of Object.entries(entry)) {
      if (key !== 'stressor' && typeof value === 'number' && Number.isFinite(value))
        out[`${entry.stressor}.${key}`] = value;
    }
  }
  return out;
}
