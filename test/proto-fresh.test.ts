import { describe, expect, it } from 'vitest';
import { freshProtoTypes, GENERATED_DIR, readTree } from '../scripts/proto-gen.ts';

describe('src/rpc/generated', () => {
  it('is what `npm run proto:gen` generates from proto/ today (run it and commit when this fails)', () => {
    const fresh = freshProtoTypes();
    const committed = readTree(GENERATED_DIR);
    expect([...committed.keys()]).toEqual([...fresh.keys()]);
    for (const [file, text] of fresh) expect(committed.get(file), file).toBe(text);
  });
});
