// Where the annotator's name is asked (issue 10: "in the desktop app, the annotator's name is asked
// on first run"). The desktop app asks at start, in a dialog, while the library's annotator name is
// unset; a browser asks inline in the Annotate panel before the first edit, so opening the studio
// from a shared link never blocks listening or the library. A server user's name comes from their
// token and is never asked. Dismissing the start dialog falls back to asking inline. Pure, so the
// decision is tested without Electron.
import type { Caller } from '../../../shared/annotation';

export type NamePrompt = 'startDialog' | 'inline' | null;

export function namePrompt(mode: 'desktop' | 'browser', me: Caller | null, startDismissed = false): NamePrompt {
  if (!me || me.fixed || me.name !== null) return null;
  return mode === 'desktop' && !startDismissed ? 'startDialog' : 'inline';
}
