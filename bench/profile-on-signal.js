// Preloaded (`--import`) into a server that `npm run bench -- request-cost --profile=DIR` starts: each SIGUSR2 toggles a
// V8 CPU profile of the process. The first starts it, the next stops it and writes
// `$PAKLOG_PROF_OUT/<n>.cpuprofile` (n = 1, 2, … per stop), so the bench profiles one kind of request at a time, after
// the start and the warm-up, without `--cpu-prof`'s whole-life profile (Node 20 refuses that flag in NODE_OPTIONS).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.PAKLOG_PROF_OUT;
if (dir !== undefined && dir !== '') {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  // Finer than V8's 1 ms default: a request costs a few hundred microseconds.
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.PAKLOG_PROF_INTERVAL_US ?? '200') });
  let running = false;
  let written = 0;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.start');
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, result) => {
      if (err !== null) return;
      mkdirSync(dir, { recursive: true });
      written += 1;
      // Written aside and renamed: the bench waits for the file's name and must never read half of it.
      const file = join(dir, `${written}.cpuprofile`);
      writeFileSync(`${file}.part`, JSON.stringify(result.profile));
      renameSync(`${file}.part`, file);
    });
  });
}
