// `npm run bench -- <name> [args]`: runs bench/<name>.ts, which writes its figures to bench/results/.
const [name, ...args] = process.argv.slice(2);
const known = ['flow', 'api', 'floor', 'routing', 'batching', 'cartonization', 'slotting', 'offload', 'wire-validation', 'reservations', 'as-of', 'forecast', 'workload', 'rtls', 'csv-import', 'simulate', 'summary', 'startup', 'fuzz', 'chaos', 'pg-socket', 'request-cost', 'app-start'];
if (name === undefined || !known.includes(name)) {
  console.error(`usage: npm run bench -- <${known.join('|')}> [options]`);
  process.exit(2);
}
const mod = (await import(`./${name}.ts`)) as { main: (args: string[]) => Promise<void> };
await mod.main(args);
