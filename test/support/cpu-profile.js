// Preloaded (`--import`) by a PakLog process that test/support/paklog-process.ts `cpuProfileEnv` started: records a V8
// CPU profile of the whole process and writes it into PAKLOG_CPU_PROF_OUT when the process exits normally (SIGTERM →
// process.exit; a SIGKILL writes nothing). Node 20 refuses `--cpu-prof` in NODE_OPTIONS, hence the inspector.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.PAKLOG_CPU_PROF_OUT;
if (dir !== undefined && dir !== '') {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  // V8's default is 1 ms, as `--cpu-prof`'s.
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.once('exit', () => {
    // A session on the process's own thread answers synchronously, so the profile is written before the exit completes.
    session.post('Profiler.stop', (err, result) => {
      if (err !== null) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
