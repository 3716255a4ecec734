// The shape of `window.studio`, the only thing the Electron preload exposes to the renderer.
// Commands resolve to envelopes (not thrown errors) because contextBridge drops custom Error
// fields; the renderer's IPC client unwraps them into StudioErrors with their codes.
import type { CommandInput, CommandName, CommandOutput, EventHandler, EventName, Unsubscribe } from './api';
import type { DesktopBridge } from './desktop';
import type { Envelope } from './errors';

export type BridgeCommands = {
  [K in CommandName]: (input: CommandInput<K>) => Promise<Envelope<CommandOutput<K>>>;
};

export interface StudioBridge {
  commands: BridgeCommands;
  /** Generic form of the wrappers above; refuses names that are not in the contract. */
  invoke(name: string, input?: unknown): Promise<Envelope<unknown>>;
  on<E extends EventName>(event: E, handler: EventHandler<E>): Unsubscribe;
  desktop: DesktopBridge;
}
