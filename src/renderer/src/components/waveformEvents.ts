// Events a waveform lane raises, shared by Waveform.vue and the LaneRow that forwards them.
// (Drawing and resizing segments go straight to the annotation store.)
export type WaveformEmits = {
  seek: [seconds: number];
  selectSegment: [id: number];
  error: [message: string];
};
