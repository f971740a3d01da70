// Seeded random numbers for workload arrivals (workloads/expand.ts) and the trace generator: uniform doubles from
// pure-rand's xoroshiro128+ (the same seed gives the same sequence on every machine and Node version), and standard
// normals from them. Pure given the seed.
import prand from 'pure-rand';

/** A stream of random numbers from one seed; each call advances it. */
export interface Random {
  /** A uniform double in [0, 1), 53 bits. */
  uniform(): number;
}

/** Seeds go up to 2³² − 1, as the stack config's `seed` does; xoroshiro128+ keeps every one of them apart. */
export const MAX_SEED = 2 ** 32 - 1;

export function seededRandom(seed: number): Random {
  if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED)
    throw new Error(`seed ${seed}: a whole number from 0 to ${MAX_SEED}`);
  const rng = prand.xoroshiro128plus(seed);
  return {
    uniform: () => {
      const hi = prand.unsafeUniformIntDistribution(0, 2 ** 26 - 1, rng);
      const lo = prand.unsafeUniformIntDistribution(0, 2 ** 27 - 1, rng);
      return (hi * 2 ** 27 + lo) / 2 ** 53;
    },
  };
}

/** A uniform double in (0, 1]: safe under a logarithm. */
export const uniformPositive = (random: Random): number => 1 - random.uniform();

/** A standard normal (Box–Muller; one of the pair, so each call costs two uniforms and keeps no state). */
export function standardNormal(random: Random): number {
  const radius = Math.sqrt(-2 * Math.log(uniformPositive(random)));
  return radius * Math.cos(2 * Math.PI * random.uniform());
}
