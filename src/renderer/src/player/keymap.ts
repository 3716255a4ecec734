// Keyboard shortcuts of the player, as a pure mapping from a key event to an action, so the
// bindings are tested without a browser and documented in one place.

export type PlayerAction =
  | { type: 'togglePlay' }
  | { type: 'seekBy'; seconds: number }
  | { type: 'toggleLoop' }
  | { type: 'toggleMuteFocused' }
  | { type: 'toggleSoloFocused' }
  | { type: 'focusStem'; index: number }
  | { type: 'deleteSelectedSegment' };

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

export const SHORTCUTS: { keys: string; does: string }[] = [
  { keys: 'Space', does: 'play / pause' },
  { keys: '← / →', does: 'seek 5 s back / forward' },
  { keys: 'L', does: 'loop on / off (the selected segment, or A–B)' },
  { keys: 'M / S', does: 'mute / solo the focused stem' },
  { keys: '1–5', does: 'focus a stem (1 = mix)' },
  { keys: 'Delete', does: 'delete the selected segment' },
];

export function actionForKey(e: KeyLike): PlayerAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  switch (e.key) {
    case ' ':
      return { type: 'togglePlay' };
    case 'ArrowLeft':
      return { type: 'seekBy', seconds: -5 };
    case 'ArrowRight':
      return { type: 'seekBy', seconds: 5 };
    case 'l':
    case 'L':
      return { type: 'toggleLoop' };
    case 'm':
    case 'M':
      return { type: 'toggleMuteFocused' };
    case 's':
    case 'S':
      return { type: 'toggleSoloFocused' };
    case 'Delete':
    case 'Backspace':
      return { type: 'deleteSelectedSegment' };
    default:
      if (/^[1-5]$/.test(e.key)) return { type: 'focusStem', index: Number(e.key) - 1 };
      return null;
  }
}

/** Shortcuts stay out of the way while the user types. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean; type?: string } | null;
  if (!el?.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  return el.tagName === 'INPUT' && !['range', 'checkbox', 'button', 'radio'].includes(el.type ?? '');
}
