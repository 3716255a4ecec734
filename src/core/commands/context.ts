// What every group of StudioApi commands shares: the library, the event hub, the worker.
import type { AnalysisService } from '../analysisService';
import type { StudioEventHub } from '../events';
import type { PackRegistry } from '../inference/packs/registry';
import type { JobRunner } from '../jobs/jobRunner';
import type { PeaksService } from '../peaksService';
import type { Store } from '../store/store';
import type { WorkerPool } from '../worker/pool';

export interface CommandContext {
  store: Store;
  dbPath: string;
  dataDir: string;
  events: StudioEventHub;
  pool: WorkerPool;
  peaks: PeaksService;
  analysis: AnalysisService;
  packs: PackRegistry;
  jobs: JobRunner;
}
