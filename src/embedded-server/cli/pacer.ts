// Wakes the connections of a paced load run at their slots with one timer for all of them, instead of
// a setTimeout per call: thousands of calls a second each arming a timer of a different length is work
// (and a priority queue of timer lists) on the cores the measured server shares. Never wakes a waiter
// before its time: a timer may fire a little early (node counts from the loop's cached clock), and then
// the pacer arms again for what is left.

interface Waiter {
  at: number;
  wake: () => void;
}

export class Pacer {
  /** Waiters sorted by time, latest first, so that the due ones come off the end. */
  #waiters: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedFor = Number.POSITIVE_INFINITY;

  /** Resolves once performance.now() reaches `at`. */
  until(at: number): Promise<void> {
    return new Promise((wake) => {
      const w = this.#waiters;
      // binary search for the place: waiters are added in about time order, so this is near the front
      let lo = 0;
      let hi = w.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (w[mid]!.at > at) lo = mid + 1;
        else hi = mid;
      }
      w.splice(lo, 0, { at, wake });
      if (at < this.#armedFor) this.#arm(at);
    });
  }

  /** Wakes every waiter now (the run is stopping). */
  wakeAll(): void {
    const all = this.#waiters;
    this.#waiters = [];
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    for (const w of all) w.wake();
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedFor = at;
    // whole milliseconds: node keeps a timer list per distinct duration
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, Math.ceil(at - performance.now())));
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const w = this.#waiters;
    let i = w.length;
    while (i > 0 && w[i - 1]!.at <= now) i--;
    const due = w.splice(i);
    if (w.length > 0) this.#arm(w[w.length - 1]!.at);
    // earliest first, as separate timers would have fired
    for (let j = due.length - 1; j >= 0; j--) due[j]!.wake();
  }
}
