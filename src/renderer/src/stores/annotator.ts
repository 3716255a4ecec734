// Who is annotating: the caller as the studio sees them (whoAmI), shown in the header, and the
// desktop/library-token annotator's name, asked on first run and changeable (a server user's
// name comes from their token and is fixed). Where it is asked — a dialog at the desktop app's
// start, else inline in the Annotate panel — is annotate/namePrompt.ts.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Caller } from '../../../shared/annotation';
import { namePrompt } from '../annotate/namePrompt';
import { useClient } from '../client/inject';

export const useAnnotatorStore = defineStore('annotator', () => {
  const client = useClient();
  const me = ref<Caller | null>(null);
  /** The desktop start dialog was closed without a name: ask inline from then on. */
  const startDismissed = ref(false);
  /** Where the name is asked now, if anywhere. */
  const prompt = computed(() => namePrompt(client.mode, me.value, startDismissed.value));

  /** Who the studio says the caller is; null when it cannot say (the header then shows no name). */
  async function load(): Promise<Caller | null> {
    try {
      me.value = await client.whoAmI();
    } catch {
      me.value = null;
    }
    return me.value;
  }

  /** Sets the annotator's name; resolves to the studio's refusal in words, or null when done. */
  async function setName(name: string): Promise<string | null> {
    try {
      me.value = await client.setAnnotatorName({ name });
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }

  return { me, startDismissed, prompt, load, setName };
});
