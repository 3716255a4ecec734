// fft.js (indutny) ships no types: a radix-4 FFT on interleaved complex arrays.
declare module 'fft.js' {
  export default class FFT {
    constructor(size: number);
    readonly size: number;
    createComplexArray(): number[];
    toComplexArray(input: ArrayLike<number>, storage?: number[]): number[];
    fromComplexArray(complex: ArrayLike<number>, storage?: number[]): number[];
    /** Real input → full complex spectrum (only the first half + 1 bins are meaningful until completeSpectrum). */
    realTransform(output: number[], input: ArrayLike<number>): void;
    completeSpectrum(spectrum: number[]): void;
    transform(output: number[], input: ArrayLike<number>): void;
    inverseTransform(output: number[], input: ArrayLike<number>): void;
  }
}
