// The audio formats the library imports, by file extension. Content is checked too (probe.ts):
// the extension only decides which files inside a folder are worth looking at.

export const AUDIO_EXTENSIONS = ['wav', 'flac', 'mp3', 'ogg', 'oga', 'opus', 'm4a', 'aac', 'mp4'] as const;

export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot <= 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

export function isAudioFileName(fileName: string): boolean {
  return (AUDIO_EXTENSIONS as readonly string[]).includes(extensionOf(fileName));
}
