import fc from 'fast-check';

// CI explores a fixed seed so a run is reproducible; locally each run explores new cases (FC_SEED pins one).
const seed = process.env.FC_SEED ?? (process.env.CI === 'true' ? '20261125' : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });
