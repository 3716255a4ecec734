// Channel layout conversion: downmix by averaging channels, upmix mono by duplication.

export function toChannels(channelData: Float32Array[], channels: 1 | 2): Float32Array[] {
  const n = channelData.length;
  if (n === 0) throw new Error('no channels');
  if (n === channels) return channelData;
  if (channels === 1) return [average(channelData)];
  // channels === 2
  if (n === 1) return [channelData[0]!, channelData[0]!.slice()];
  return [channelData[0]!, channelData[1]!];
}

/** One channel: the only one as it is (no copy), else the channels' mean. */
export function toMono(channelData: Float32Array[]): Float32Array {
  if (channelData.length === 0) throw new Error('no channels');
  return channelData.length === 1 ? channelData[0]! : average(channelData);
}

export function average(channelData: Float32Array[]): Float32Array {
  const len = channelData[0]!.length;
  const out = new Float32Array(len);
  const k = 1 / channelData.length;
  for (const ch of channelData) for (let i = 0; i < len; i++) out[i]! += ch[i]!;
  for (let i = 0; i < len; i++) out[i]! *= k;
  return out;
}

export function interleave(planar: Float32Array[]): Float32Array {
  if (planar.length === 1) return planar[0]!;
  const c = planar.length;
  const len = planar[0]!.length;
  const out = new Float32Array(len * c);
  for (let ch = 0; ch < c; ch++) {
    const src = planar[ch]!;
    for (let i = 0; i < len; i++) out[i * c + ch] = src[i]!;
  }
  return out;
}

export function deinterleave(data: Float32Array, channels: number): Float32Array[] {
  if (channels === 1) return [data];
  const len = Math.floor(data.length / channels);
  const out = Array.from({ length: channels }, () => new Float32Array(len));
  for (let i = 0; i < len; i++) for (let ch = 0; ch < channels; ch++) out[ch]![i] = data[i * channels + ch]!;
  return out;
}
