// The change loop shared by seed DATA and 0.6/0.7 state: a fixed window, not a debounce (spec "Batching").
// The first change after a send starts a timer; later changes only replace the pending value; when the
// timer fires the latest value is diffed against the last value *sent* and sent as one patch.
import type { JsonValue } from '../../shared/json-patch/json-value';
import { diff, type Patch } from '../../shared/json-patch/patch';

/** `0`: every change is sent at once, in order. `null`: only `flush()` sends. Otherwise the window in ms. */
export type SyncDelay = number | null;

export class Batcher {
  private lastSent: JsonValue = null;
  private pending: JsonValue = null;
  private dirty = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `send` receives a non-empty patch from the last sent value to the newest one. */
  constructor(
    private readonly delay: SyncDelay,
    private readonly send: (patch: Patch) => void,
  ) {}

  /** `value` must not be mutated afterwards (a Replica hands out its own copies). */
  set(value: JsonValue): void {
    this.pending = value;
    this.dirty = true;
    if (this.delay === null) return;
    if (this.delay === 0) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.delay);
  }

  get hasPending(): boolean {
    return this.dirty;
  }

  /** Sends what is pending now (nothing when the diff is empty). */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    const patch = diff(this.lastSent, this.pending);
    if (patch.length === 0) return;
    this.lastSent = this.pending;
    this.send(patch);
  }

  /** Drops what is pending: nothing is flushed at close (spec). */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty = false;
  }
}
