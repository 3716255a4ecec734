// The jobs a one-shot runner (a JobRunner never started, see jobRunner) queues for itself are
// created reserved for one owner of its own (see store/jobs create): this counts those not yet
// claimed, keeps their heartbeat fresh while there are any (so no other process takes them over),
// and hands what is left to the queue when the runner stops. Kept apart from the runner, which
// runs jobs; this only holds them.
import { newClaimOwner } from './jobOwner';
import type { JobWrites } from './jobWrites';

export class Reservations {
  /** The owner the jobs are reserved for (never a claim's owner). */
  readonly owner = newClaimOwner();
  /** Jobs reserved and not yet claimed (or being created so). */
  private held = 0;
  private keeper: NodeJS.Timeout | undefined;
  /** A job was reserved at some point (released() then has something to hand back). */
  private any = false;
  private closed = false;

  constructor(
    private readonly writes: JobWrites,
    private readonly heartbeatMs: number,
  ) {}

  /** One more job reserved (or being created so). */
  hold(): void {
    this.held++;
    this.any = true;
    if (!this.keeper && !this.closed) {
      this.keeper = setInterval(() => void this.writes.keepReserved(this.owner), this.heartbeatMs);
      this.keeper.unref();
    }
  }

  /** One job fewer: claimed, no longer queued, or its creation failed. */
  drop(): void {
    if (--this.held > 0) return;
    clearInterval(this.keeper);
    this.keeper = undefined;
  }

  /** The runner stopped: no more heartbeats, and what it has not claimed goes to the queue. Never throws. */
  async release(): Promise<void> {
    this.closed = true;
    clearInterval(this.keeper);
    this.keeper = undefined;
    if (this.any) await this.writes.release(this.owner);
  }
}
