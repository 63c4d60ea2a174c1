import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closestSetting, isKnownSetting, SETTINGS, unknownSettings } from '../src/platform/config/settings.ts';

/** Constants of the code that happen to start with PAKLOG_ (a JWT issuer, a header's name): not environment variables. */
const CONSTANTS = new Set(['PAKLOG_ISSUER', 'PAKLOG_SIGNATURE_HEADER']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('settings', () => {
  it('knows every PAKLOG_ name the sources read (no second list to drift: a name read in src/ and not in SETTINGS fails here)', () => {
    const root = join(import.meta.dirname, '..', 'src');
    const unknown: string[] = [];
    for (const file of files(root).filter((f) => /\.(ts|sql)$/.test(f) && !f.endsWith('.test.ts') && !f.endsWith('/config/settings.ts'))) {
      for (const [name] of readFileSync(file, 'utf8').matchAll(/PAKLOG_[A-Z0-9_]+/g)) {
        if (CONSTANTS.has(name)) continue;
        // `PAKLOG_HTTP_*` in a comment names a family: some setting must start with it.
        const known = isKnownSetting(name) || (name.endsWith('_') && SETTINGS.some((s) => s.startsWith(name)));
        if (!known) unknown.push(`${relative(root, file)}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('says each PAKLOG_ variable it does not read, with the setting meant when one is near (PAKLOG_PORT=18731 served on 8080)', () => {
    expect(unknownSettings({ PAKLOG_PORT: '18731', PORT: '1', PAKLOG_DATA_DIR: '/srv', PAKLOG_TEST_DATABASE_URL: 'x', HOME: '/root' })).toEqual([
      { name: 'PAKLOG_PORT', closest: 'PORT', message: 'PAKLOG_PORT is not a PakLog setting and is ignored: did you mean PORT?' },
    ]);
    expect(closestSetting('PAKLOG_DATADIR')).toBe('PAKLOG_DATA_DIR');
    expect(closestSetting('PAKLOG_GRPC_PROT')).toBe('PAKLOG_GRPC_PORT');
    expect(closestSetting('PAKLOG_SEED')).toBe(undefined);
    expect(closestSetting('PAKLOG_HOST')).toBe('HOST');
    expect(closestSetting('PAKLOG_COFFEE_MAKER')).toBe(undefined);
    expect(unknownSettings({ PAKLOG_COFFEE_MAKER: 'on' })[0]?.message).toBe('PAKLOG_COFFEE_MAKER is not a PakLog setting and is ignored (README, Configuration lists them)');
  });
});
