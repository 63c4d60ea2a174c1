import { parentPort } from 'node:worker_threads';

/**
 * The body of a pool thread (worker-pool.ts): runs the exported function a message names on the message's input and
 * posts the result back. Modules are imported once per thread; functions must be pure and synchronous or async.
 */
export interface TaskMessage {
  readonly id: number;
  readonly module: string;
  readonly name: string;
  readonly input: unknown;
}

export type ResultMessage =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: { readonly name: string; readonly message: string; readonly stack?: string | undefined } };

const port = parentPort;
if (port === null) throw new Error('worker-thread.ts runs only as a worker thread');

const modules = new Map<string, Promise<Record<string, unknown>>>();

port.on('message', (m: TaskMessage) => {
  void run(m).then((r) => port.postMessage(r));
});

async function run(m: TaskMessage): Promise<ResultMessage> {
  try {
    let mod = modules.get(m.module);
    if (mod === undefined) {
      mod = import(m.module) as Promise<Record<string, unknown>>;
      modules.set(m.module, mod);
    }
    const fn = (await mod)[m.name];
    if (typeof fn !== 'function') throw new TypeError(`${m.module} exports no function ${m.name}`);
    return { id: m.id, ok: true, value: await (fn as (input: unknown) => unknown)(m.input) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { id: m.id, ok: false, error: { name: err.name, message: err.message, stack: err.stack } };
  }
}
