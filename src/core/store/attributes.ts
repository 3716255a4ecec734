// Per-segment attributes (gender, pitch, tempo, volume, mood, timbre, genre, and the measured
// numbers behind them), each with its source: measured, model or human, and the span it was
// measured on, so a value reads as stale once its segment has been resized. Measured rows carry
// their unit, S2Cap category, confidence and a reading aid (shared/attributes.ts).
// approvedPitchByGender feeds the library's own pitch thresholds (core/analysis/thresholds.ts).
import type { MeasuredAttribute } from '../../shared/attributes';
import type { SegmentAttribute } from '../../shared/types';
import type { RepoContext } from './repoContext';
import { spanChanged } from './segments';

export class AttributesRepo {
  constructor(private readonly c: RepoContext) {}

  /**
   * `at` is the segment and the span the values were measured on (its span when the job read it).
   * Values are plain name → value pairs (a model's or a person's) or measured attributes with unit,
   * category and confidence; an attribute that could not be measured (value null) is still stored
   * when it says so with a category-less zero-confidence row, so "no pitch" is not read as "not measured".
   */
  async insert(
    at: { segmentId: number; startSec: number; endSec: number },
    source: 'measured' | 'model' | 'human',
    values: Record<string, string | number | null> | MeasuredAttribute[],
  ): Promise<void> {
    const where = { segment_id: at.segmentId, start_sec: at.startSec, end_sec: at.endSec, source };
    const rows = Array.isArray(values)
      ? values.map((a) => ({
          ...where,
          name: a.name,
          value: a.value === null ? '' : stored(a.value),
          unit: a.unit,
          category: a.category,
          confidence: Math.round(a.confidence * 1000) / 1000,
          detail: a.detail ?? null,
        }))
      : Object.entries(values)
          .filter(([, value]) => value !== null && value !== undefined)
          .map(([name, value]) => ({ ...where, name, value: stored(value as string | number) }));
    if (rows.length) await this.c.db.insertInto('attributes').values(rows).execute();
  }

  /**
   * (gender, measured median pitch) of every visible segment whose head caption revision is
   * approved and names the gender male or female in its attributes, and whose newest measured
   * `pitch` is a number measured on the segment's current span: S2Cap's per-gender pitch quantiles
   * are computed from these.
   */
  async approvedPitchByGender(): Promise<{ gender: 'male' | 'female'; pitchHz: number }[]> {
    const rows = await this.c.db
      .selectFrom('caption_revisions as r')
      .innerJoin('segments as g', 'g.id', 'r.segment_id')
      .innerJoin('attributes as a', 'a.segment_id', 'r.segment_id')
      .select(['r.attributes', 'a.value', 'a.start_sec', 'a.end_sec', 'g.start_sec as seg_start_sec', 'g.end_sec as seg_end_sec'])
      .where('g.deleted_at', 'is', null)
      .where('r.status', '=', 'approved')
      .where('r.attributes', 'is not', null)
      .where('r.id', '=', (eb) => eb.selectFrom('caption_revisions as r2').select((e) => e.fn.max('r2.id').as('id')).whereRef('r2.segment_id', '=', 'r.segment_id'))
      .where('a.id', '=', (eb) =>
        eb
          .selectFrom('attributes as a2')
          .select((e) => e.fn.max('a2.id').as('id'))
          .whereRef('a2.segment_id', '=', 'r.segment_id')
          .where('a2.name', '=', 'pitch')
          .where('a2.source', '=', 'measured'),
      )
      .execute();
    const out: { gender: 'male' | 'female'; pitchHz: number }[] = [];
    for (const r of rows) {
      if (spanChanged(r, { start_sec: r.seg_start_sec, end_sec: r.seg_end_sec })) continue;
      const pitchHz = r.value === '' ? NaN : Number(r.value);
      let said: unknown;
      try {
        said = (JSON.parse(r.attributes!) as Record<string, unknown> | null)?.gender;
      } catch {
        continue; // not a JSON object: names no gender
      }
      const gender = typeof said === 'string' ? said.trim().toLowerCase() : null;
      if (Number.isFinite(pitchHz) && pitchHz > 0 && (gender === 'male' || gender === 'female')) out.push({ gender, pitchHz });
    }
    return out;
  }

  /** The newest value of each attribute of one segment, in the order measured. */
  async latestOf(segmentId: number): Promise<SegmentAttribute[]> {
    const seg = await this.c.db.selectFrom('segments').select('track_id').where('id', '=', segmentId).executeTakeFirst();
    return seg ? (await this.latest(seg.track_id, segmentId)) : [];
  }

  /** The newest value of each attribute of every live segment of a track (or of one of them), in the order measured. */
  async latest(trackId: number, segmentId?: number): Promise<SegmentAttribute[]> {
    const rows = await this.c.db
      .selectFrom('attributes as a')
      .innerJoin('segments as g', 'g.id', 'a.segment_id')
      .select(['a.segment_id', 'a.name', 'a.value', 'a.unit', 'a.category', 'a.confidence', 'a.detail', 'a.source', 'a.start_sec', 'a.end_sec', 'g.start_sec as seg_start_sec', 'g.end_sec as seg_end_sec'])
      .where('a.id', 'in', (eb) =>
        eb
          .selectFrom('attributes as a2')
          .innerJoin('segments as g2', 'g2.id', 'a2.segment_id')
          .select((e) => e.fn.max('a2.id').as('id'))
          .where('g2.track_id', '=', trackId)
          .where('g2.deleted_at', 'is', null)
          .$if(segmentId !== undefined, (q) => q.where('a2.segment_id', '=', segmentId!))
          .groupBy(['a2.segment_id', 'a2.name']),
      )
      .orderBy('a.segment_id')
      .orderBy('a.id')
      .execute();
    return rows.map((r) => ({
      segmentId: r.segment_id,
      name: r.name,
      value: r.value,
      unit: r.unit,
      category: r.category,
      confidence: r.confidence === null ? null : Number(r.confidence),
      detail: r.detail,
      source: r.source,
      startSec: r.start_sec ?? r.seg_start_sec,
      endSec: r.end_sec ?? r.seg_end_sec,
      stale: spanChanged(r, { start_sec: r.seg_start_sec, end_sec: r.seg_end_sec }),
    }));
  }
}

/** Numbers to two decimals (Hz, BPM, LUFS read fine so; beats and curves are not stored here). */
const stored = (value: string | number): string => (typeof value === 'number' ? String(Math.round(value * 100) / 100) : value);
