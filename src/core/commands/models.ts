// StudioApi commands for model packs, execution settings and inference jobs.
import type { StudioApi } from '../../shared/api';
import type { InferenceSettings } from '../../shared/types';
import type { JobRunner } from '../jobs/jobRunner';
import type { PackRegistry } from '../inference/packs/registry';
import type { EpSettings } from '../inference/runtime';
import { parseEp } from '../inference/providers';
import type { Db } from '../store/db';
import { getSetting, setSetting } from '../store/settings';
import { requireTrack } from '../store/tracks';

type ModelCommands = Pick<
  StudioApi,
  'listPacks' | 'installPack' | 'removePack' | 'usePack' | 'getSettings' | 'updateSettings' | 'startSeparation' | 'startCaptioning' | 'listJobs' | 'cancelJob'
>;

const DEFAULTS: InferenceSettings = { ep: { encoder: 'auto', decoder: 'auto', separator: 'auto' }, threads: 0 };

export function readSettings(db: Db): InferenceSettings {
  const s = getSetting<InferenceSettings>(db, 'inference') ?? DEFAULTS;
  return { ep: { ...DEFAULTS.ep, ...s.ep }, threads: s.threads ?? 0 };
}

export function epSettings(s: InferenceSettings): EpSettings {
  return { encoder: parseEp(s.ep.encoder), decoder: parseEp(s.ep.decoder), separator: parseEp(s.ep.separator), threads: s.threads };
}

export function modelCommands(ctx: { db: Db; packs: PackRegistry; jobs: JobRunner }): ModelCommands {
  const { db, packs, jobs } = ctx;
  const infoOf = async (id: string) => (await packs.info()).find((p) => p.id === id)!;
  return {
    listPacks: () => packs.info(),
    async installPack({ path }) {
      const { pack, assumptions } = await packs.install(path);
      return { pack: await infoOf(`${pack.manifest.name}@${pack.manifest.version}`), assumptions };
    },
    async removePack({ id }) {
      await packs.remove(id);
      return { id };
    },
    async usePack({ role, id }) {
      await packs.use(role, id);
      return infoOf(id);
    },
    async getSettings() {
      return readSettings(db);
    },
    async updateSettings(patch) {
      const cur = readSettings(db);
      const next: InferenceSettings = { ep: { ...cur.ep, ...patch.ep }, threads: patch.threads ?? cur.threads };
      setSetting(db, 'inference', next);
      return next;
    },
    async startSeparation({ trackId, pack, shifts }) {
      requireTrack(db, trackId);
      if (pack) await packs.choose('separator', pack); // fail now on a wrong name; none = built-in separator
      return jobs.enqueue('separate', { trackId, pack: pack ?? null, shifts, ep: epSettings(readSettings(db)) });
    },
    async startCaptioning({ trackId, segmentIds, pack, numBeams }) {
      requireTrack(db, trackId);
      if (pack) await packs.choose('captioner', pack); // none = built-in suggester
      return jobs.enqueue('caption', { trackId, segmentIds, pack: pack ?? null, numBeams, ep: epSettings(readSettings(db)) });
    },
    async listJobs({ trackId }) {
      if (trackId !== undefined) requireTrack(db, trackId);
      return jobs.list(trackId);
    },
    async cancelJob({ id }) {
      return jobs.cancel(id);
    },
  };
}
