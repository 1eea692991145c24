// What a websocket connection holds of a message that is still arriving: `ws` buffers a frame (and the
// fragments of a fragmented message) until it is complete, up to maxPayload, before any peer sees it.
// A peer that declares a large frame and sends it slowly, or never ends it, holds that memory like
// unfinished 0.7 segments do (issue 11, item 3), on every generation: so the bytes read since the last
// complete message count against the same server budget and time limit. Node only (server side).

import { CloseCode } from '../../shared/close-code';
import type { SyncError } from './errors';
import { protocolError } from './errors';
import type { UnfinishedBudget, UnfinishedHolder } from './segmenter';

export class ArrivingFrames implements UnfinishedHolder {
  private bytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `timeout`: ms a message may take to arrive once its first byte is read (null: no limit); `onDropped`
   * ends the connection with the error. Bytes count as characters in the budget (UTF-8 takes at least
   * one byte per character, so this never undercounts).
   */
  constructor(
    private readonly budget: UnfinishedBudget,
    private readonly timeout: number | null,
    private readonly onDropped: (error: SyncError) => void,
  ) {}

  get held(): number {
    return this.bytes;
  }

  /** Bytes read from the socket, before the websocket parser sees them. */
  received(n: number): void {
    if (this.bytes === 0 && this.timeout !== null) {
      const timeout = this.timeout;
      this.timer = setTimeout(
        () =>
          this.drop(
            protocolError(
              'UNFINISHED_MESSAGE_TIMEOUT',
              `a message did not arrive within ${timeout} ms of its first byte (unfinishedMessageTimeout)`,
              CloseCode.policyViolation,
            ),
          ),
        timeout,
      );
    }
    this.bytes += n;
    this.budget.grow(this, n);
  }

  /** The parser delivered a message (or a ping or pong): nothing read so far is held any more. */
  delivered(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.budget.release(this, this.bytes);
    this.bytes = 0;
  }

  drop(error: SyncError): void {
    this.delivered();
    this.onDropped(error);
  }
}
