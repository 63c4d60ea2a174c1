import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.ts';
import type { ResultMessage, TaskMessage } from './worker-thread.ts';

/**
 * A pure function exported by a module, to run on a pool thread. Input and output cross threads by structured clone:
 * plain data only (no functions, no class instances). Declare one next to the function it names:
 * `export const slotTask = workerTask<typeof slot>(new URL('./slot.ts', import.meta.url), 'slot')`.
 */
export interface WorkerTask<I, O> {
  readonly module: string;
  readonly name: string;
  /** Type-only: carries the input and output types; never set. */
  readonly signature?: (input: I) => O;
}

export function workerTask<F extends (input: never) => unknown>(module: URL, name: string): WorkerTask<Parameters<F>[0], Awaited<ReturnType<F>>> {
  return { module: module.href, name };
}

export interface WorkerPoolOptions {
  /** Threads (0: run tasks on the calling thread, blocking it, e.g. where threads are not wanted). */
  readonly threads: number;
  /** Tasks that may wait for a free thread; one more is refused with BUSY (503, retryable). */
  readonly maxQueue: number;
}

interface Job {
  readonly message: TaskMessage;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Thread {
  readonly worker: Worker;
  job: Job | undefined;
}

// Threads load the .ts sources through tsx, the same loader bin/paklog.js uses; under vitest too (vite does not
// reach into worker threads). The bootstrap is a data: URL so no JavaScript file sits among the sources. The compiled
// build (`npm run build`, dist/*.js) needs no loader: the thread runs the compiled body directly.
const bootstrap = (): URL => {
  if (import.meta.url.endsWith('.js')) return new URL('./worker-thread.js', import.meta.url);
  const tsx = import.meta.resolve('tsx/esm/api');
  const body = new URL('./worker-thread.ts', import.meta.url).href;
  const code = `import { register } from ${JSON.stringify(tsx)};\nregister();\nawait import(${JSON.stringify(body)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
};

/**
 * A small pool of worker threads for CPU-heavy pure computations (optimize/), so one request's slotting or batching
 * does not stall every other request on the event loop. Threads start on first use and stay; tasks beyond the free
 * threads wait in a bounded FIFO queue, and beyond that are refused at once with a retryable BUSY error. A thread
 * that dies fails its task with INTERNAL and is replaced on the next task.
 */
export class WorkerPool {
  private readonly threads: Thread[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private entry: URL | undefined;

  constructor(private readonly options: WorkerPoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 0) throw new RangeError(`threads must be a whole number, got ${options.threads}`);
    if (!Number.isInteger(options.maxQueue) || options.maxQueue < 0) throw new RangeError(`maxQueue must be a whole number, got ${options.maxQueue}`);
  }

  /** Tasks running and waiting, for tests and metrics. */
  get load(): { readonly running: number; readonly queued: number } {
    return { running: this.threads.filter((t) => t.job !== undefined).length, queued: this.queue.length };
  }

  async run<I, O>(task: WorkerTask<I, O>, input: I): Promise<O> {
    if (this.closed) throw new AppError('UNAVAILABLE', 'The worker pool is closed', { retryable: true });
    if (this.options.threads === 0) {
      const mod = (await import(task.module)) as Record<string, (input: I) => O>;
      const fn = mod[task.name];
      if (fn === undefined) throw new TypeError(`${task.module} exports no function ${task.name}`);
      return fn(input);
    }
    const idle = this.threads.find((t) => t.job === undefined);
    const free = idle !== undefined || this.threads.length < this.options.threads;
    if (!free && this.queue.length >= this.options.maxQueue) {
      throw new AppError('BUSY', `${this.threads.length} heavy computations are running and ${this.queue.length} are waiting; retry shortly`, { retryable: true });
    }
    return new Promise<O>((resolve, reject) => {
      const job: Job = { message: { id: this.nextId++, module: task.module, name: task.name, input }, resolve: (v) => resolve(v as O), reject };
      const thread = idle ?? (this.threads.length < this.options.threads ? this.spawn() : undefined);
      if (thread === undefined) this.queue.push(job);
      else this.dispatch(thread, job);
    });
  }

  /** Stops every thread; running and waiting tasks fail with UNAVAILABLE. */
  async close(): Promise<void> {
    this.closed = true;
    const gone = new AppError('UNAVAILABLE', 'The worker pool closed before the task finished', { retryable: true });
    for (const job of this.queue.splice(0)) job.reject(gone);
    const threads = this.threads.splice(0);
    for (const t of threads) t.job?.reject(gone);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  private spawn(): Thread {
    this.entry ??= bootstrap();
    const worker = new Worker(this.entry);
    const thread: Thread = { worker, job: undefined };
    worker.on('message', (r: ResultMessage) => {
      const job = thread.job;
      if (job === undefined || job.message.id !== r.id) return;
      thread.job = undefined;
      if (r.ok) job.resolve(r.value);
      else job.reject(revive(r.error));
      this.next(thread);
    });
    const die = (cause: unknown): void => {
      const i = this.threads.indexOf(thread);
      if (i < 0) return;
      this.threads.splice(i, 1);
      const job = thread.job;
      thread.job = undefined;
      job?.reject(new AppError('INTERNAL', 'A worker thread stopped while computing', { cause }));
      // Waiting tasks get a fresh thread.
      const waiting = this.queue.shift();
      if (waiting !== undefined && !this.closed) this.dispatch(this.spawn(), waiting);
    };
    worker.on('error', die);
    worker.on('exit', (code) => die(new Error(`worker exited with code ${code}`)));
    this.threads.push(thread);
    return thread;
  }

  private dispatch(thread: Thread, job: Job): void {
    thread.job = job;
    // An idle thread must not keep the process alive; a busy one must, or an awaiting caller could be dropped.
    thread.worker.ref();
    try {
      thread.worker.postMessage(job.message);
    } catch (e) {
      // Input that cannot be cloned (a function, a class instance): the caller's fault, reported as such.
      thread.job = undefined;
      job.reject(e instanceof Error ? e : new Error(String(e)));
      this.next(thread);
    }
  }

  private next(thread: Thread): void {
    const job = this.queue.shift();
    if (job !== undefined) this.dispatch(thread, job);
    else thread.worker.unref();
  }
}

/** Rebuilds a thrown error on this side, keeping RangeError and TypeError so callers can tell bad input from faults. */
function revive(e: { readonly name: string; readonly message: string; readonly stack?: string | undefined }): Error {
  const err = e.name === 'RangeError' ? new RangeError(e.message) : e.name === 'TypeError' ? new TypeError(e.message) : new Error(e.message);
  if (err.name !== e.name) err.name = e.name;
  if (e.stack !== undefined) err.stack = e.stack;
  return err;
}
