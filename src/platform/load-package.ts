import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A CommonJS package loaded when an adapter first needs it rather than when its module is imported: a process that
 * never talks to Redis, Kafka, NATS or MQTT, nor renders a PDF or a barcode, does not hold their code (ADR 0048).
 * Node keeps the package after the first call; its types come from an `import type`.
 */
export function loadPackage<T>(specifier: string): T {
  return require(specifier) as T;
}
