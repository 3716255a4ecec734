// A typed event hub for StudioEvents. Core emits; each transport (IPC, WebSocket, CLI) subscribes
// once and forwards, so core never knows who is listening.
import type { EventHandler, EventName, StudioEventSource, StudioEvents, Unsubscribe } from '../shared/api';

export class StudioEventHub implements StudioEventSource {
  private handlers = new Map<EventName, Set<(p: unknown) => void>>();
  private anyHandlers = new Set<(event: EventName, payload: unknown) => void>();

  on<E extends EventName>(event: E, handler: EventHandler<E>): Unsubscribe {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    const h = handler as (p: unknown) => void;
    set.add(h);
    return () => set.delete(h);
  }

  /** Every event, for transports that forward all of them. */
  onAny(handler: (event: EventName, payload: unknown) => void): Unsubscribe {
    this.anyHandlers.add(handler);
    return () => this.anyHandlers.delete(handler);
  }

  emit<E extends EventName>(event: E, payload: StudioEvents[E]): void {
    // A failing listener must not break core's work or the other listeners.
    for (const h of this.handlers.get(event) ?? []) safely(() => h(payload));
    for (const h of this.anyHandlers) safely(() => h(event, payload));
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    console.error('[studio] event listener failed:', err);
  }
}
