// Peaks of one audio file, streamed from the decoder at the file's own rate (runs in the DSP
// worker). Also reports when the decoded length falls short of what the header promised.
import { decodeFileChunks } from './decode';
import { PeaksBuilder, type Peaks } from './peaks';

export async function computePeaks(file: string, signal?: AbortSignal, onProgress?: (seconds: number) => void): Promise<Peaks> {
  let builder: PeaksBuilder | null = null;
  let frames = 0;
  for await (const chunk of decodeFileChunks(file, signal)) {
    builder ??= new PeaksBuilder(chunk.sampleRate);
    builder.add(chunk.channelData);
    frames += chunk.channelData[0]!.length;
    onProgress?.(frames / chunk.sampleRate);
  }
  if (!builder) throw new Error(`no audio decoded from ${file}`);
  return builder.finish();
}
