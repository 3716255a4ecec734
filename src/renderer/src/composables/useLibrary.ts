// The library's track list, kept fresh: loads once, then reloads whenever core says the library
// changed (an import here, from the menu, from the CLI in serve mode).
import { onScopeDispose, ref, type Ref } from 'vue';
import type { Track } from '../../../shared/types';
import { useClient } from '../client/inject';

export interface UseLibrary {
  /** Tracks in library order (artist, then title). */
  tracks: Ref<Track[]>;
  /** True until the first load has finished. */
  loading: Ref<boolean>;
  /** The last load error, shown to the user; null when fine. */
  error: Ref<string | null>;
  refresh(): Promise<void>;
}

export function useLibrary(): UseLibrary {
  const client = useClient();
  const tracks = ref<Track[]>([]);
  const loading = ref(true);
  const error = ref<string | null>(null);

  async function refresh(): Promise<void> {
    try {
      tracks.value = await client.listTracks();
      error.value = null;
    } catch (err) {
      error.value = `Could not load the library: ${(err as Error).message}`;
    } finally {
      loading.value = false;
    }
  }

  const off = client.on('libraryChanged', () => void refresh());
  onScopeDispose(off);
  void refresh();
  return { tracks, loading, error, refresh };
}
