// audio-type ships no types: it sniffs an audio container from its first bytes.
declare module 'audio-type' {
  export default function audioType(bytes: Uint8Array | ArrayBuffer): string | undefined;
}
