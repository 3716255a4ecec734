// @echogarden/pffft-wasm ships no types: PFFFT (Pommier's SIMD FFT) as an Emscripten module.
declare module '@echogarden/pffft-wasm/simd' {
  export interface PffftModule {
    HEAPF32: Float32Array;
    /** transform: 0 = real, 1 = complex. */
    _pffft_new_setup(n: number, transform: 0 | 1): number;
    _pffft_destroy_setup(setup: number): void;
    /** direction: 0 = forward, 1 = backward (unscaled: backward(forward(x)) = n·x). */
    _pffft_transform_ordered(setup: number, input: number, output: number, work: number, direction: 0 | 1): void;
    _pffft_aligned_malloc(bytes: number): number;
    _pffft_aligned_free(ptr: number): void;
  }
  export default function PFFFT(): Promise<PffftModule>;
}
