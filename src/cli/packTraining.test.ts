// A retrained pack's model.json carries a `training` section (training/s2cap_train/export_pack.py,
// training_section): `s2cap models list` shows where its weights came from, and a malformed
// section is ignored with a note at install rather than making the pack uninstallable.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_AUDIO } from '../core/testing/tmp';
import { cliLibrary, cliOk, runCaptured as run } from './testing/cliRun';

const lib = cliLibrary();
const PACKS = path.resolve(FIXTURE_AUDIO, '..', 'packs');
const SHA = '1a2b3c4d' + 'e'.repeat(56);

/** As export_pack.training_section writes it for a run that trained 5 + 15 of 5 + 15 planned epochs. */
const TRAINING = {
  recipe: 'S2Cap AST+BART, CRESCENDO + demixing KL',
  data: { manifestSha256: SHA, clips: { train: 80, validation: 10, test: 10 } },
  checkpoint: { file: 'best.pt', stage: 2, epoch: 15, step: 400 },
  epochs: { stage1: 5, stage2: 15 },
  plannedEpochs: { stage1: 5, stage2: 15 },
  metrics: { split: 'validation', bleu_1: 0.61, bleu_4: 0.2864, rouge_l: 0.4871, cider_d: 0.7912, loss: 2.5 },
  selectMetric: 'cider_d',
  futureKey: { anything: true },
};

/** A copy of tiny-captioner with model.json's `training` set (model.json is not in its own files list). */
function packWith(name: string, training: unknown): string {
  const dir = path.join(lib.dir, name);
  fs.cpSync(path.join(PACKS, 'tiny-captioner'), dir, { recursive: true });
  const m = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ ...m, name, training }, null, 1));
  return dir;
}

describe('s2cap models list: training provenance', () => {
  it('shows the training line of a retrained pack, and the summary in --json', async () => {
    cliOk(await run('models', 'install', packWith('retrained', TRAINING), '--db', lib.db));
    const list = cliOk(await run('models', 'list', '--db', lib.db));
    expect(list).toContain(
      '  trained: weights after epoch 20 of 20 on export 1a2b3c4d… (100 clips) · validation BLEU-4 0.286 ROUGE-L 0.487 CIDEr-D 0.791',
    );
    const [p] = JSON.parse(cliOk(await run('models', 'list', '--json', '--db', lib.db)));
    expect(p.training).toEqual({
      manifestSha256: SHA,
      clips: { train: 80, validation: 10, test: 10 },
      epochs: { trained: 20, planned: 20 },
      metrics: { bleu_1: 0.61, bleu_4: 0.2864, rouge_l: 0.4871, cider_d: 0.7912, loss: 2.5 },
      split: 'validation',
      recipe: TRAINING.recipe,
    });
  });

  it('installs a pack whose training section is malformed, ignoring the section with a note', async () => {
    const inst = cliOk(await run('models', 'install', packWith('odd', { ...TRAINING, epochs: 'twenty' }), '--db', lib.db));
    expect(inst).toMatch(/installed odd@1\.0\.0/);
    expect(inst).toMatch(/model\.json: training\.epochs: .* \(the training section was ignored\)/);
    const list = cliOk(await run('models', 'list', '--db', lib.db));
    expect(list).toMatch(/^odd@1\.0\.0\tcaptioner/m);
    expect(list).not.toMatch(/trained/);
    expect(JSON.parse(cliOk(await run('models', 'list', '--json', '--db', lib.db)))[0].training).toBeUndefined();
  });

  it('lists a pack without a training section as before', async () => {
    cliOk(await run('models', 'install', path.join(PACKS, 'tiny-captioner'), '--db', lib.db));
    expect(cliOk(await run('models', 'list', '--db', lib.db))).not.toMatch(/trained/);
  });
});
