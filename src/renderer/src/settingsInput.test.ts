import { describe, expect, it } from 'vitest';
import { parseThreads } from './settingsInput';

describe('CPU threads field', () => {
  it('takes whole numbers 0–256', () => {
    expect(parseThreads('0')).toEqual({ ok: true, value: 0 });
    expect(parseThreads(' 8 ')).toEqual({ ok: true, value: 8 });
    expect(parseThreads('256')).toEqual({ ok: true, value: 256 });
  });

  it.each([
    ['', 'it is empty'],
    ['abc', 'it is not a number'],
    ['2.5', 'it is not a whole number'],
    ['-3', 'it is negative'],
    ['300', 'it is more than 256'],
  ])('refuses %j saying why', (text, why) => {
    const r = parseThreads(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain(why);
    expect(!r.ok && r.message).toContain('from 0 (let onnxruntime decide) to 256');
  });
});
