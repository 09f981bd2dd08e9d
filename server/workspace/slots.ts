/** A slot could not be had in time, or the queue for one is full: the caller answers "busy". */
export class NoSlotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoSlotError';
  }
}

interface Waiter {
  grant: () => void;
  timer: NodeJS.Timeout;
}

/**
 * A counting semaphore with a bounded queue and a deadline per waiter: at most
 * `size` holders at once, at most `queue` waiting; a waiter not served by its
 * deadline, or one that finds the queue full, gets NoSlotError. FIFO.
 */
export class Slots {
  private held = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    readonly size: number,
    readonly queue: number,
  ) {}

  /** Holders right now (for tests and metrics). */
  get inUse(): number {
    return this.held;
  }

  /** Whether anyone is queued for a slot. */
  hasWaiters(): boolean {
    return this.waiting.length > 0;
  }

  /** Waits for a slot until `deadline` (epoch ms); returns the function that gives it back (call it once). */
  acquire(deadline: number): Promise<() => void> {
    if (this.held < this.size) {
      this.held++;
      return Promise.resolve(this.releaser());
    }
    if (this.waiting.length >= this.queue) return Promise.reject(new NoSlotError('too many reads are waiting'));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(waiter.timer);
          this.held++;
          resolve(this.releaser());
        },
        timer: setTimeout(
          () => {
            const at = this.waiting.indexOf(waiter);
            if (at >= 0) this.waiting.splice(at, 1);
            reject(new NoSlotError('no read slot became free in time'));
          },
          Math.max(0, deadline - Date.now()),
        ),
      };
      this.waiting.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held--;
      this.waiting.shift()?.grant();
    };
  }
}

/** One Slots per key, made on first use and dropped when idle, so a key's limit holds whatever the number of keys. */
export class KeyedSlots {
  private readonly byKey = new Map<string, Slots>();

  constructor(
    readonly size: number,
    readonly queue: number,
  ) {}

  /** Waits for a slot of `key` until `deadline`; returns the function that gives it back. */
  async acquire(key: string, deadline: number): Promise<() => void> {
    let slots = this.byKey.get(key);
    if (!slots) {
      slots = new Slots(this.size, this.queue);
      this.byKey.set(key, slots);
    }
    const owner = slots;
    try {
      const release = await owner.acquire(deadline);
      return () => {
        release();
        this.dropIfIdle(key, owner);
      };
    } catch (error) {
      this.dropIfIdle(key, owner);
      throw error;
    }
  }

  private dropIfIdle(key: string, slots: Slots): void {
    if (slots.inUse === 0 && this.byKey.get(key) === slots && !slots.hasWaiters()) this.byKey.delete(key);
  }
}
