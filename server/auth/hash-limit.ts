import { TooManyRequestsError } from './rate-limit';

export interface SlotOptions {
  /** Jobs running at once. */
  concurrency: number;
  /** Jobs allowed to wait for a slot; one more is refused at once. */
  maxWaiting: number;
  /** How long a job waits for a slot before it is refused. */
  maxWaitMs: number;
  /** The message of the TOO_MANY_REQUESTS a refused job gets. */
  busyMessage: string;
}

export interface SlotLoad {
  active: number;
  waiting: number;
  /** The most jobs that ever ran at once in this process. */
  peak: number;
}

interface Waiter {
  grant(): void;
}

/**
 * An in-process counting semaphore with a short, bounded queue, for work that
 * is costly enough to be a denial of service when callers can start as much
 * of it as they like (scrypt: CPU and 32 MiB each, in libuv's small thread
 * pool that file and DNS work share). A job that finds the queue full, or
 * waits longer than `maxWaitMs`, gets TOO_MANY_REQUESTS with a Retry-After
 * of about that wait. Per process: each server process has its own slots.
 */
export class Slots {
  private active = 0;
  private peak = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly options: SlotOptions) {}

  /** Runs `job` once a slot is free (waiting in the queue if need be), and frees the slot after. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await job();
    } finally {
      this.release();
    }
  }

  /** Throws the busy refusal now if a job arriving now would be refused for a full queue. */
  assertRoom(): void {
    if (this.active >= this.options.concurrency && this.queue.length >= this.options.maxWaiting) throw this.busy();
  }

  /** How busy the slots are now, and the most that ever ran at once. */
  load(): SlotLoad {
    return { active: this.active, waiting: this.queue.length, peak: this.peak };
  }

  private busy(): TooManyRequestsError {
    return new TooManyRequestsError(this.options.busyMessage, Math.max(1, Math.ceil(this.options.maxWaitMs / 1000)));
  }

  private acquire(): Promise<void> {
    if (this.active < this.options.concurrency) {
      this.active++;
      this.peak = Math.max(this.peak, this.active);
      return Promise.resolve();
    }
    if (this.queue.length >= this.options.maxWaiting) return Promise.reject(this.busy());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.queue.splice(this.queue.indexOf(waiter), 1);
        reject(this.busy());
      }, this.options.maxWaitMs);
      this.queue.push(waiter);
    });
  }

  // A freed slot goes straight to the longest waiter, so `active` only drops when nobody waits.
  private release(): void {
    const next = this.queue.shift();
    if (next) next.grant();
    else this.active--;
  }
}
