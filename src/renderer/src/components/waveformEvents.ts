// Events a waveform lane raises, shared by Waveform.vue and the LaneRow that forwards them.
export type WaveformEmits = {
  seek: [seconds: number];
  createSegment: [start: number, end: number];
  updateSegment: [id: number, start: number, end: number];
  selectSegment: [id: number];
  error: [message: string];
};
