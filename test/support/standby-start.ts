/**
 * A warm standby of `paklog start` for the fault tests (`standbyPakLog` in paklog-process.ts): loads the modules the
 * start command imports, then, once a line arrives on stdin, runs the CLI's own `start` command as `bin/paklog.js start`
 * would. Nothing here is a second way to start PakLog: the CLI module is imported only when activated.
 */
await import('../../src/main.ts');
await import('../../src/seed/demo.ts');
await import('../../src/platform/http/ui-routes.ts');
process.stdin.once('data', () => {
  process.argv = [process.argv[0]!, 'paklog', 'start'];
  void import('../../src/cli.ts');
});
