// The two screens of the studio, addressed by the URL hash (#/ and #/track/<id>) so reloads and
// the back button work, without a router dependency for two routes.
import { onScopeDispose, ref, type Ref } from 'vue';

export type Route = { name: 'library' } | { name: 'track'; id: number };

export function parseRoute(hash: string): Route {
  const m = /^#\/track\/(\d+)$/.exec(hash);
  return m ? { name: 'track', id: Number(m[1]) } : { name: 'library' };
}

export function routeHash(r: Route): string {
  return r.name === 'track' ? `#/track/${r.id}` : '#/';
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
