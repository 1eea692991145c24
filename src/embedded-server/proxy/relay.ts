// One direction of a proxied connection: frames read from one websocket are sent on the other,
// unchanged and in order. Flow control: the bytes handed to the destination and not yet written to its
// socket are counted; past the high-water mark the source stops being read (its TCP window fills and
// the sender slows down), and reading resumes once they drained to half of it. So a proxy connection
// holds at most about highWaterMark + one frame per direction, whatever a peer sends.
import type WebSocket from 'ws';

export class Relay {
  /** Bytes sent to `to` whose write has not completed. */
  queued = 0;
  /** Most bytes ever queued: how close the bound came. */
  peakQueued = 0;
  frames = 0;
  bytes = 0;
  /** Times the source was paused because the destination was slow. */
  pauses = 0;
  #paused = false;

  constructor(
    private readonly from: WebSocket,
    private readonly to: WebSocket,
    private readonly highWaterMark: number,
  ) {}

  get paused(): boolean {
    return this.#paused;
  }

  forward(data: Buffer, binary: boolean): void {
    const n = data.length;
    this.frames++;
    this.bytes += n;
    this.queued += n;
    if (this.queued > this.peakQueued) this.peakQueued = this.queued;
    // the callback runs once the frame is written to the socket, or with an error once it is closed
    this.to.send(data, { binary }, () => {
      this.queued -= n;
      if (this.#paused && this.queued <= this.highWaterMark / 2) {
        this.#paused = false;
        this.from.resume();
      }
    });
    if (!this.#paused && this.queued > this.highWaterMark) {
      this.#paused = true;
      this.pauses++;
      this.from.pause();
    }
  }
}
