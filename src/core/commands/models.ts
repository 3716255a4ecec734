// StudioApi commands for model packs, execution settings and inference jobs.
import type { StudioApi } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import type { InferenceSettings } from '../../shared/types';
import type { JobRunner } from '../jobs/jobRunner';
import type { PackRegistry } from '../inference/packs/registry';
import type { EpSettings } from '../inference/runtime';
import { parseEp } from '../inference/providers';
import type { Db } from '../store/db';
import { getSetting, setSetting } from '../store/settings';
import { getTrack as trackExists } from '../store/tracks';

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
  const needTrack = (id: number) => {
    if (!trackExists(db, id)) throw new StudioError('NOT_FOUND', `no track with id ${id}`);
  };
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
      needTrack(trackId);
      if (pack) await packs.resolve('separator', pack); // without one, the built-in separator runs
      return jobs.enqueue('separate', { trackId, pack: pack ?? null, shifts, ep: epSettings(readSettings(db)) });
    },
    async startCaptioning({ trackId, segmentIds, pack, numBeams }) {
      needTrack(trackId);
      if (pack) await packs.resolve('captioner', pack); // without one, the built-in suggester writes the captions
      return jobs.enqueue('caption', { trackId, segmentIds, pack: pack ?? null, numBeams, ep: epSettings(readSettings(db)) });
    },
    async listJobs({ trackId }) {
      if (trackId !== undefined) needTrack(trackId);
      return jobs.list(trackId);
    },
    async cancelJob({ id }) {
      return jobs.cancel(id);
    },
  };
}
