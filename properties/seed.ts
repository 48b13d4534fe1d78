// Same seed, same run. CI (CI=true) uses a fixed seed; local runs draw one and print it;
// MMCHECK_SEED=<n> reproduces a local run.
export const CI_SEED = 20261121;

export function suiteSeed(): number {
  if (process.env.MMCHECK_SEED) return Number(process.env.MMCHECK_SEED) | 0;
  if (process.env.CI === 'true') return CI_SEED;
  return (Math.random() * 2 ** 31) | 0;
}
