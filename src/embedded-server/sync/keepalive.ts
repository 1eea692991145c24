// Liveness: any received frame proves the other side is alive. After `delay` without a frame we ping;
// if nothing arrives within `timeout` after that, the connection is given up.
export interface KeepaliveOptions {
  /** ms without a received frame before a ping; null disables pinging. */
  delay: number | null;
  /** ms to wait for any frame after a ping before closing. */
  timeout: number;
}

export class Keepalive {
  private delayTimer: ReturnType<typeof setTimeout> | undefined;
  private timeoutTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly options: KeepaliveOptions,
    private readonly ping: () => void,
    private readonly expired: () => void,
  ) {}

  /** Call when the connection opens and on every received frame. */
  alive(): void {
    if (this.stopped || this.options.delay === null) return;
    this.clear();
    this.delayTimer = setTimeout(() => {
      this.delayTimer = undefined;
      this.timeoutTimer = setTimeout(() => {
        this.timeoutTimer = undefined;
        this.expired();
      }, this.options.timeout);
      this.ping();
    }, this.options.delay);
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  private clear(): void {
    if (this.delayTimer !== undefined) clearTimeout(this.delayTimer);
    if (this.timeoutTimer !== undefined) clearTimeout(this.timeoutTimer);
    this.delayTimer = this.timeoutTimer = undefined;
  }
}
