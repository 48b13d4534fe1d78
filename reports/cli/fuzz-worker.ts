// One fuzzing worker thread of `mmcheck fuzz --workers W`: runs its share and posts progress and
// its outcome to the main thread, which terminates the others at the first counterexample.
import { parentPort, workerData } from 'node:worker_threads';
import { fuzz, type FuzzOptions, type FuzzOutcome, type FuzzProgress } from '../../properties/fuzz.js';

export type WorkerRequest = Pick<FuzzOptions, 'profile' | 'seed' | 'runs' | 'timeLimitMs' | 'maxOps'>;

export type WorkerMessage =
  | { readonly kind: 'progress'; readonly progress: FuzzProgress }
  | { readonly kind: 'done'; readonly outcome: FuzzOutcome };

if (parentPort) {
  const port = parentPort;
  const req = workerData as WorkerRequest;
  const outcome = fuzz({ ...req, onProgress: (progress) => port.postMessage({ kind: 'progress', progress } satisfies WorkerMessage) });
  port.postMessage({ kind: 'done', outcome } satisfies WorkerMessage);
}
