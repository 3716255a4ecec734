// What the Models panel accepts as a CPU-threads value, checked before it is sent, so a value the
// studio cannot take is explained next to the field instead of quietly snapping back.

export const MAX_THREADS = 256;

/** The threads value typed, or the reason it cannot be used. */
export function parseThreads(text: string): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim();
  if (/^\d+$/.test(t) && Number(t) <= MAX_THREADS) return { ok: true, value: Number(t) };
  const why = t === '' ? 'it is empty' : /^-?\d*\.\d+$|^-?\d+\.\d*$/.test(t) ? 'it is not a whole number' : /^-\d+$/.test(t) ? 'it is negative' : /^\d+$/.test(t) ? `it is more than ${MAX_THREADS}` : 'it is not a number';
  return { ok: false, message: `CPU threads "${t}" not saved: ${why}. Use a whole number from 0 (let onnxruntime decide) to ${MAX_THREADS}.` };
}
