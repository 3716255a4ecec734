// The `label-studio` export: Label Studio's JSON export format for audio tasks (a JSON array of
// tasks, as its "JSON" export writes them), so a team can move work between the two tools. One
// task per track: data.audio is the track's file URL; annotations[0].result has, per segment, a
// region of the audio (`labels` result, label "Caption") and its caption (`textarea` result,
// from_name "caption", the same region id, value.start/end in seconds, value.text [caption]);
// predictions hold the suggestions, one entry per model (model_version = pack name@version, score
// = the mean of its suggestions' scores, each result with its own score). The labeling config that
// reads it is written beside it (label_config.xml). Provenance Label Studio has no field for
// (annotator, revision, status, chips, split) rides in task data under `s2cap`, which Label Studio
// keeps and shows nothing of.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExportRow } from '../../shared/dataset';
import type { ExportTrackGroup, FormatWriter } from './formatWriter';
import { withTextFile } from './textFile';

export const LABEL_STUDIO_FILE = 'tasks.json';
export const LABEL_STUDIO_CONFIG_FILE = 'label_config.xml';
/** The region label every exported segment carries. */
export const REGION_LABEL = 'Caption';

export const LABEL_STUDIO_CONFIG = `<View>
  <Labels name="labels" toName="audio">
    <Label value="${REGION_LABEL}" />
  </Labels>
  <Audio name="audio" value="$audio" />
  <TextArea name="caption" toName="audio" rows="2" editable="true" perRegion="true" required="true" />
</View>
`;

interface Region {
  id: string;
  from_name: string;
  to_name: 'audio';
  type: 'labels' | 'textarea';
  origin: 'manual' | 'prediction';
  original_length?: number;
  value: { start: number; end: number; channel: 0; labels?: string[]; text?: string[] };
  score?: number;
}

export interface LabelStudioTask {
  id: number;
  data: {
    audio: string;
    s2cap: { track_sha256: string; source_path: string; split: ExportRow['split']; segments: Pick<ExportRow, 'id' | 'annotator' | 'revision_id' | 'status' | 'edited' | 'attributes'>[] };
  };
  annotations: { id: number; result: Region[]; was_cancelled: false; ground_truth: false }[];
  predictions: { model_version: string; score?: number; result: Region[] }[];
}

const region = (r: ExportRow, length: number | null, origin: Region['origin']) => (type: Region['type'], from: string, value: Partial<Region['value']>): Region => ({
  id: r.id,
  from_name: from,
  to_name: 'audio',
  type,
  origin,
  ...(length !== null ? { original_length: length } : {}),
  value: { start: r.begin, end: r.end, channel: 0, ...value },
});

export function toTask(g: ExportTrackGroup, taskId: number): LabelStudioTask {
  const length = g.track.durationSec;
  const result: Region[] = [];
  const byModel = new Map<string, Region[]>();
  for (const r of g.rows) {
    const mk = region(r, length, 'manual');
    result.push(mk('labels', 'labels', { labels: [REGION_LABEL] }), mk('textarea', 'caption', { text: [r.caption] }));
    if (r.suggestion !== null && r.suggestion_model !== null) {
      const p = region(r, length, 'prediction')('textarea', 'caption', { text: [r.suggestion] });
      if (r.suggestion_score !== null) p.score = r.suggestion_score;
      const list = byModel.get(r.suggestion_model) ?? [];
      list.push(region(r, length, 'prediction')('labels', 'labels', { labels: [REGION_LABEL] }), p);
      byModel.set(r.suggestion_model, list);
    }
  }
  const predictions = [...byModel].map(([model, res]) => {
    const scores = res.flatMap((x) => (x.score === undefined ? [] : [x.score]));
    return { model_version: model, ...(scores.length ? { score: scores.reduce((a, b) => a + b, 0) / scores.length } : {}), result: res };
  });
  const first = g.rows[0]!;
  return {
    id: taskId,
    data: {
      audio: pathToFileURL(g.track.path).href,
      s2cap: {
        track_sha256: g.track.sha256,
        source_path: g.track.path,
        split: first.split,
        segments: g.rows.map((r) => ({ id: r.id, annotator: r.annotator, revision_id: r.revision_id, status: r.status, edited: r.edited, attributes: r.attributes })),
      },
    },
    annotations: [{ id: taskId, result, was_cancelled: false, ground_truth: false }],
    predictions,
  };
}

export const labelStudioWriter: FormatWriter = {
  async write(dir, groups, { signal, onProgress }) {
    const total = groups.reduce((n, g) => n + g.rows.length, 0);
    let done = 0;
    await withTextFile(path.join(dir, LABEL_STUDIO_CONFIG_FILE), signal, (f) => f.write(LABEL_STUDIO_CONFIG));
    await withTextFile(path.join(dir, LABEL_STUDIO_FILE), signal, async (f) => {
      await f.write('[');
      let taskId = 0;
      for (const g of groups) {
        if (!g.rows.length) continue;
        await f.write(`${taskId ? ',' : ''}\n${JSON.stringify(toTask(g, ++taskId))}`);
        done += g.rows.length;
        onProgress(done, total);
      }
      await f.write(taskId ? '\n]\n' : ']\n');
    });
  },
};
