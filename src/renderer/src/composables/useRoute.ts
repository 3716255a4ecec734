// The screens of the studio, addressed by the URL hash (#/, #/queue, #/stats, #/export, #/track/<id> and
// #/track/<id>/segment/<sid>) so reloads and the back button work, without a router dependency
// for a handful of routes.
import { onScopeDispose, ref, type Ref } from 'vue';

export type Route =
  | { name: 'library' }
  | { name: 'queue' }
  | { name: 'stats' }
  | { name: 'export' }
  | { name: 'track'; id: number; segmentId?: number };

export function parseRoute(hash: string): Route {
  const m = /^#\/track\/(\d+)(?:\/segment\/(\d+))?$/.exec(hash);
  if (m) return m[2] ? { name: 'track', id: Number(m[1]), segmentId: Number(m[2]) } : { name: 'track', id: Number(m[1]) };
  if (hash === '#/queue') return { name: 'queue' };
  if (hash === '#/stats') return { name: 'stats' };
  if (hash === '#/export') return { name: 'export' };
  return { name: 'library' };
}

export function routeHash(r: Route): string {
  switch (r.name) {
    case 'track':
      return r.segmentId ? `#/track/${r.id}/segment/${r.segmentId}` : `#/track/${r.id}`;
    case 'queue':
      return '#/queue';
    case 'stats':
      return '#/stats';
    case 'export':
      return '#/export';
    default:
      return '#/';
  }
}

export function useRoute(): { route: Ref<Route>; go(r: Route): void } {
  const route = ref<Route>(parseRoute(location.hash));
  const onHash = () => (route.value = parseRoute(location.hash));
  window.addEventListener('hashchange', onHash);
  onScopeDispose(() => window.removeEventListener('hashchange', onHash));
  return {
    route,
    go(r) {
      location.hash = routeHash(r);
    },
  };
}
