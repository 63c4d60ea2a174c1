import { fileURLToPath } from 'node:url';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';

/**
 * How `.proto` messages become JavaScript objects, for the loader at run time and for the type generator
 * (`npm run proto:gen`): the generated types are only true while both read the same options, so both read these.
 * Enums as their names, 64-bit integers as numbers (quantities stay far below 2^53), defaults filled in so a map or
 * list the sender left empty arrives as `{}` or `[]`, and the name of the set member on each `oneof`.
 */
export const PROTO_OPTIONS = {
  keepCase: false,
  longs: 'Number',
  enums: 'String',
  defaults: true,
  oneofs: true,
} as const;

const LOADER_OPTIONS: Options = { ...PROTO_OPTIONS, longs: Number, enums: String };

/** The gRPC package definition of some `.proto` files, relative to `root` (which is also the import path). */
export function loadProtos(root: URL, files: readonly string[]): PackageDefinition {
  return loadSync([...files], { ...LOADER_OPTIONS, includeDirs: [fileURLToPath(root)] });
}
