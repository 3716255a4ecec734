import { describe, expect, it } from 'vitest';
import type { Caller } from '../../../shared/annotation';
import { namePrompt } from './namePrompt';

const unnamed: Caller = { name: null, role: 'owner', fixed: false };

describe('where the annotator name is asked', () => {
  it('the desktop app asks at start while the name is unset', () => {
    expect(namePrompt('desktop', unnamed)).toBe('startDialog');
    expect(namePrompt('desktop', unnamed, true)).toBe('inline'); // dismissed: asked before the first edit
  });

  it('a browser asks inline in the Annotate panel', () => {
    expect(namePrompt('browser', unnamed)).toBe('inline');
    expect(namePrompt('browser', unnamed, true)).toBe('inline');
  });

  it('never once there is a name, for a server user, or before the studio answered', () => {
    for (const mode of ['desktop', 'browser'] as const) {
      expect(namePrompt(mode, { name: 'ann', role: 'owner', fixed: false })).toBeNull();
      expect(namePrompt(mode, { name: 'rita', role: 'reviewer', fixed: true })).toBeNull();
      expect(namePrompt(mode, { name: null, role: 'annotator', fixed: true })).toBeNull();
      expect(namePrompt(mode, null)).toBeNull();
    }
  });
});
