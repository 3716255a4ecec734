// Human-readable CLI output. --json output bypasses this entirely.
import { formatDuration } from '../shared/format';
import type { ImportReport, Track } from '../shared/types';

export function formatTrackTable(tracks: Track[]): string {
  if (tracks.length === 0) return 'The library is empty. Add music with: s2cap import PATH...';
  const rows = tracks.map((t) => [String(t.id), t.title ?? t.fileName, t.artist ?? '', formatDuration(t.durationSec, '--:--'), t.status]);
  const head = ['ID', 'TITLE', 'ARTIST', 'LENGTH', 'STATUS'];
  const widths = head.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((r) => r[i]!.length))));
  const line = (r: string[]) => r.map((c, i) => (c.length > widths[i]! ? c.slice(0, widths[i]! - 1) + '…' : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

export function formatImportReport(r: ImportReport): string {
  const lines = [
    `Imported ${r.imported.length}, duplicates ${r.duplicates.length}, relinked ${r.relinked.length}, failed ${r.failed.length}` +
      (r.skipped ? `, skipped ${r.skipped} non-audio file${r.skipped === 1 ? '' : 's'}` : ''),
  ];
  for (const t of r.imported) lines.push(`  + ${t.fileName}  ${t.title ?? ''}${t.artist ? ` — ${t.artist}` : ''}`.trimEnd());
  for (const t of r.relinked) lines.push(`  ~ ${t.fileName}  moved; relinked track ${t.id}`);
  for (const d of r.duplicates) lines.push(`  = ${d.name}  already in the library as track ${d.track.id}`);
  for (const t of r.truncated ?? []) lines.push(`  ~ ${t.name}: imported the decodable part (${t.reason})`);
  for (const f of r.failed) lines.push(`  ! ${f.name}: ${f.reason}`);
  return lines.join('\n');
}
