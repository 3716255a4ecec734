// StudioApi commands for model packs, execution settings (and the provider calibration `auto`
// uses, see core/calibrations) and inference jobs.
import type { StudioApi } from '../../shared/api';
import type { InferenceSettings } from '../../shared/types';
import type { JobRunner } from '../jobs/jobRunner';
import type { PackRegistry } from '../inference/packs/registry';
import type { EpSettings } from '../inference/runtime';
import { parseEp } from '../inference/providers';
import type { Store } from '../store/store';
import type { WorkerPool } from '../worker/pool';
import { StudioError } from '../../shared/errors';
import { calibrate, forgetCalibration, storedCalibration } from '../calibrations';
import { packId } from '../inference/packs/manifest';

type ModelCommands = Pick<
  StudioApi,
  | 'listPacks'
  | 'installPack'
  | 'removePack'
  | 'usePack'
  | 'getSettings'
  | 'updateSettings'
  | 'calibratePack'
  | 'startSeparation'
  | 'startCaptioning'
  | 'listJobs'
  | 'cancelJob'
>;

const DEFAULTS: InferenceSettings = { ep: { encoder: 'auto', decoder: 'auto', separator: 'auto' }, threads: 0, int8: false };

export async function readSettings(store: Pick<Store, 'settings'>): Promise<InferenceSettings> {
  const s = (await store.settings.get<InferenceSettings>('inference')) ?? DEFAULTS;
  return { ep: { ...DEFAULTS.ep, ...s.ep }, threads: s.threads ?? 0, int8: s.int8 ?? false };
}

export function epSettings(s: InferenceSettings): EpSettings {
  return { encoder: parseEp(s.ep.encoder), decoder: parseEp(s.ep.decoder), separator: parseEp(s.ep.separator), threads: s.threads, int8: s.int8 };
}

export function modelCommands(ctx: { store: Store; packs: PackRegistry; jobs: JobRunner; pool: WorkerPool }): ModelCommands {
  const { store, packs, jobs, pool } = ctx;
  const infoOf = async (id: string) => (await packs.info()).find((p) => p.id === id)!;
  return {
    async listPacks() {
      // A captioner's calibration on this machine (for the current CPU settings), when it has one.
      // Every model.json is read once: info() is given the list it describes.
      const [loaded, s] = await Promise.all([packs.list(), readSettings(store)]);
      const infos = await packs.info(loaded);
      return Promise.all(
        infos.map(async (info) => {
          const pack = info.roles.includes('captioner') ? loaded.find((p) => packId(p.manifest) === info.id) : undefined;
          return pack ? { ...info, calibration: await storedCalibration(store, pack, s) } : info;
        }),
      );
    },
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
      return readSettings(store);
    },
    async updateSettings(patch) {
      // Read-modify-write in one write transaction: two processes changing settings at once both land.
      return store.transaction(async (tx) => {
        await tx.settings.lock('inference');
        const cur = await readSettings(tx);
        const next: InferenceSettings = { ep: { ...cur.ep, ...patch.ep }, threads: patch.threads ?? cur.threads, int8: patch.int8 ?? cur.int8 };
        await tx.settings.set('inference', next);
        return next;
      });
    },
    async calibratePack({ id, reset }) {
      const pack = await packs.choose('captioner', id);
      if (!pack) throw new StudioError('NOT_FOUND', 'no captioner pack is active: install one (s2cap models install DIR) or name one');
      const s = epSettings(await readSettings(store));
      if (reset) return (await forgetCalibration(store, pack, s), null);
      return calibrate({ store, pool }, pack, s);
    },
    async startSeparation({ trackId, pack, shifts }) {
      await store.tracks.require(trackId);
      if (pack) await packs.choose('separator', pack); // fail now on a wrong name; none = built-in separator
      return jobs.enqueue('separate', { trackId, pack: pack ?? null, shifts, ep: epSettings(await readSettings(store)) });
    },
    async startCaptioning({ trackId, segmentIds, pack, numBeams }) {
      await store.tracks.require(trackId);
      // Fail now on a wrong name; none = built-in suggester. (A folder checked here is not checked
      // again when the job runs in this process: packs/checkedFolders.)
      if (pack) await packs.choose('captioner', pack);
      return jobs.enqueue('caption', { trackId, segmentIds, pack: pack ?? null, numBeams, ep: epSettings(await readSettings(store)) });
    },
    async listJobs({ trackId }) {
      if (trackId !== undefined) await store.tracks.require(trackId);
      return jobs.list(trackId);
    },
    async cancelJob({ id }) {
      return jobs.cancel(id);
    },
  };
}
