/**
 * A warm standby of `paklog start` for the fault tests (`standbyPakLog` in paklog-process.ts): loads the modules the
 * start command imports, then, once a line arrives on stdin, runs the CLI's own `start` command as `bin/paklog.js start`
 * would. Nothing here is a second way to start PakLog: the CLI module is imported only when activated.
 *
 * It loads what bin/paklog.js would run: the compiled build (dist/) when it is newer than every file under src/ (CI
 * builds it in `npm ci`), otherwise the TypeScript sources through tsx. Plain JavaScript, so that the compiled case
 * loads no TypeScript loader: a standby per kill is most of a fault test's CPU, and loading dist/ costs about half
 * of loading the sources through tsx (1.5 s of CPU against 3.4 s on the 2-core CI machine), the bundle half of that.
 */
import { distIsFresh } from '../../bin/dist-fresh.js';

// The same decision as bin/paklog.js.
const fromDist = distIsFresh();
if (!fromDist) {
  const { register } = await import('tsx/esm/api');
  register();
}
// The bundle's entry points for the compiled build (scripts/build.ts, BUNDLE_ENTRIES), the sources otherwise.
const BUNDLED = { main: 'main', 'seed/demo': 'seed-demo', 'platform/http/ui-routes': 'ui-routes', 'gateway/graphql/graphql': 'graphql', cli: 'cli' };
const load = (module) => import(fromDist ? `../../dist/bundle/${BUNDLED[module]}.js` : `../../src/${module}.ts`);
await load('main');
await load('seed/demo');
await load('platform/http/ui-routes');
// GraphQL only for the all-in-one start that will use it: a split service (PAKLOG_CONTEXTS) never loads it (src/app.ts).
const contexts = process.env.PAKLOG_CONTEXTS?.trim();
if (contexts === undefined || contexts === '' || contexts === 'all') await load('gateway/graphql/graphql');
// For a test that waits until the standby can take over (crash-idempotency.test.ts).
console.log('LOADED');
process.stdin.once('data', () => {
  process.argv = [process.argv[0], 'paklog', 'start'];
  void load('cli');
});
