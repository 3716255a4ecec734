// The header ranges the studio accepts from any audio file. A header outside them is junk or a
// format no decoder here handles (music-metadata reports whatever the bytes say, even 65,535
// channels or a 4,294,967,295 Hz rate), so the file is refused with the field that is wrong.

export const MAX_CHANNELS = 32;
export const MIN_SAMPLE_RATE = 8000;
export const MAX_SAMPLE_RATE = 384_000;

/** The reason a channel count or sample rate is out of range, or null when both are sane. */
export function headerRangeProblem(channels: number, sampleRate: number): string | null {
  if (!(Number.isInteger(channels) && channels >= 1 && channels <= MAX_CHANNELS)) {
    return `unsupported channel count ${channels} (supported: 1–${MAX_CHANNELS})`;
  }
  if (!(sampleRate >= MIN_SAMPLE_RATE && sampleRate <= MAX_SAMPLE_RATE)) {
    return `unsupported sample rate ${sampleRate} Hz (supported: ${MIN_SAMPLE_RATE / 1000}–${MAX_SAMPLE_RATE / 1000} kHz)`;
  }
  return null;
}
