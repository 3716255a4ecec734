// CLI commands about one track: its stems, its segments, relinking its file.
import type { Studio } from '../core/studio';
import { formatDuration } from '../shared/format';
import { UsageError } from './args';
import type { Flags } from './inferenceCommands';

export type Out = (s: string) => void;

function trackId(raw: string | undefined, what = 'track'): number {
  const n = Number(raw);
  if (!raw || !Number.isInteger(n) || n <= 0) throw new UsageError(`expected a ${what} id, got "${raw ?? ''}"`);
  return n;
}

function seconds(raw: string | undefined, what: string): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isFinite(n) || n < 0) throw new UsageError(`${what} must be a number of seconds, got "${raw ?? ''}"`);
  return n;
}

/** s2cap stems TRACK | s2cap stems attach TRACK NAME FILE */
export async function stemsCommand(studio: Studio, args: string[], { json }: Flags, out: Out): Promise<void> {
  if (args[0] === 'attach') {
    const [, id, name, file] = args;
    if (!name || !file) throw new UsageError('usage: s2cap stems attach TRACK NAME FILE');
    const stem = await studio.attachStem({ trackId: trackId(id), name, path: file });
    out(json ? JSON.stringify(stem) : `attached ${stem.name} to track ${stem.trackId} (stem ${stem.id})`);
    return;
  }
  const { stems } = await studio.openTrack({ id: trackId(args[0]) });
  if (json) return out(JSON.stringify(stems));
  out(stems.length ? stems.map((s) => `${s.id}\t${s.name}\t${formatDuration(s.durationSec)}\t${s.path}`).join('\n') : 'no stems');
}

/** s2cap segments TRACK | segments add TRACK START END | segments rm SEGMENT */
export async function segmentsCommand(studio: Studio, args: string[], { json }: Flags, out: Out): Promise<void> {
  if (args[0] === 'add') {
    const seg = await studio.createSegment({ trackId: trackId(args[1]), startSec: seconds(args[2], 'START'), endSec: seconds(args[3], 'END') });
    out(json ? JSON.stringify(seg) : `segment ${seg.id}: ${seg.startSec}–${seg.endSec} s`);
    return;
  }
  if (args[0] === 'rm') {
    const res = await studio.deleteSegment({ id: trackId(args[1], 'segment') });
    out(json ? JSON.stringify(res) : `deleted segment ${res.id}`);
    return;
  }
  const { segments } = await studio.openTrack({ id: trackId(args[0]) });
  if (json) return out(JSON.stringify(segments));
  out(segments.length ? segments.map((s) => `${s.id}\t${s.startSec.toFixed(2)}\t${s.endSec.toFixed(2)}`).join('\n') : 'no segments');
}

/** s2cap relink TRACK PATH */
export async function relinkCommand(studio: Studio, args: string[], { json }: Flags, out: Out): Promise<void> {
  const [id, file] = args;
  if (!file) throw new UsageError('usage: s2cap relink TRACK PATH');
  const t = await studio.relinkTrack({ id: trackId(id), path: file });
  out(json ? JSON.stringify(t) : `track ${t.id} now points to ${t.path}`);
}
