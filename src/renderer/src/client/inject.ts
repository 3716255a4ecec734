// Provide/inject key for the StudioClient, so components and composables get it without props.
import { inject, type InjectionKey } from 'vue';
import type { StudioClient } from './types';

export const CLIENT_KEY: InjectionKey<StudioClient> = Symbol('StudioClient');

export function useClient(): StudioClient {
  const c = inject(CLIENT_KEY);
  if (!c) throw new Error('StudioClient not provided');
  return c;
}
