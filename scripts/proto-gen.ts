/**
 * Generates the TypeScript types of the `.proto` files under proto/ into src/rpc/generated/ with proto-loader's
 * generator (no protoc needed). `npm run proto:gen` writes them; test/proto-fresh.test.ts fails when the committed
 * files differ from what this generates.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROTO_OPTIONS } from '../src/platform/rpc/protos.ts';
import { PROTO_FILES, PROTO_ROOT, PUBLIC_PROTO_FILES } from '../src/rpc/protos.ts';

export const GENERATED_DIR = fileURLToPath(new URL('../src/rpc/generated/', import.meta.url));

/** Runs the generator into `outDir` (emptied first). */
export function generateProtoTypes(outDir: string): void {
  rmSync(outDir, { recursive: true, force: true });
  const generator = createRequire(import.meta.url).resolve('@grpc/proto-loader/build/bin/proto-loader-gen-types.js');
  const flags = Object.entries(PROTO_OPTIONS).flatMap(([name, value]) =>
    typeof value === 'boolean' ? (value ? [`--${name}`] : []) : [`--${name}`, value]);
  execFileSync(process.execPath, [
    generator, ...flags, '--includeComments', '--grpcLib', '@grpc/grpc-js', '--importFileExtension', '.ts',
    '-I', '.', '-O', outDir, ...PROTO_FILES, ...PUBLIC_PROTO_FILES,
    // Run from proto/ so the "Original file" comments name the file relative to it, the same on every checkout.
  ], { cwd: fileURLToPath(PROTO_ROOT), stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Every generated file by its path under `dir`, with its text. */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

/** What the generator makes today, without touching the committed files. */
export function freshProtoTypes(): Map<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'paklog-proto-'));
  try {
    generateProtoTypes(dir);
    return readTree(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  generateProtoTypes(GENERATED_DIR);
  console.log(`generated ${readTree(GENERATED_DIR).size} files into ${relative(process.cwd(), GENERATED_DIR)}`);
}
