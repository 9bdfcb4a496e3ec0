import { Worker } from 'node:worker_threads';

/**
 * From the TypeScript sources in the repository (Node strips the types) and from `dist/*.js`
 * in the published package: the worker file sits beside this module either way.
 */
const workerFile = new URL(
  import.meta.url.endsWith('.ts') ? './posture-body-worker.ts' : './posture-body-worker.js',
  import.meta.url,
);

/**
 * Worker threads for postureInfo bodies: one per body in flight (at most `parallelRequests`),
 * started on first use and kept for the next body. A worker that was stopped mid-body (cancel,
 * failure on either side) is terminated and replaced, so no half-read body leaks into the next.
 */
export class PostureWorkerPool {
  readonly #idle: Worker[] = [];
  readonly #all = new Set<Worker>();
  #closed = false;

  /**
   * Starts `count` workers now, so that loading their modules (a few hundred ms of CPU each)
   * overlaps the policy list and hostids calls instead of delaying the first body.
   */
  prestart(count: number): void {
    while (!this.#closed && this.#all.size < count) {
      const worker = this.#spawn();
      worker.unref();
      this.#idle.push(worker);
    }
  }

  acquire(): Worker {
    if (this.#closed) throw new Error('the posture worker pool is closed');
    const worker = this.#idle.pop() ?? this.#spawn();
    worker.ref();
    return worker;
  }

  /** Back to the pool after a body that ended cleanly (done or reported failed). */
  release(worker: Worker): void {
    if (this.#closed || !this.#all.has(worker)) {
      this.discard(worker);
      return;
    }
    // An idle worker must not keep the process alive.
    worker.unref();
    this.#idle.push(worker);
  }

  /** Stops a worker at once (whatever it was doing) and forgets it. */
  discard(worker: Worker): void {
    this.#all.delete(worker);
    const index = this.#idle.indexOf(worker);
    if (index >= 0) this.#idle.splice(index, 1);
    void worker.terminate();
  }

  async close(): Promise<void> {
    this.#closed = true;
    const workers = [...this.#all];
    this.#all.clear();
    this.#idle.length = 0;
    await Promise.allSettled(workers.map((worker) => worker.terminate()));
  }

  #spawn(): Worker {
    const worker = new Worker(workerFile);
    this.#all.add(worker);
    worker.on('exit', () => this.discard(worker));
    // A body in progress listens for errors itself; an idle worker's error only retires it.
    worker.on('error', () => this.discard(worker));
    return worker;
  }
}
