// One line for anything thrown: files named with the reason in words, non-Errors described,
// internal staging folders and temporary names hidden.
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../shared/errors';
import { describeFailure, hideInternalPaths } from './failureText';

function errno(code: string, p: string, message = `${code}: something, open '${p}'`): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, path: p, syscall: 'open' });
}

describe('describeFailure', () => {
  it.each([
    [undefined, 'unexpected failure (no details were given)'],
    [null, 'unexpected failure (no details were given)'],
    ['decoder said no', 'decoder said no'],
    [42, 'unexpected failure (42)'],
    [{ message: 'from a worker' }, 'from a worker'],
    [{ status: 3 }, 'unexpected failure ({"status":3})'],
    [new Error(''), 'Error'],
    [new Error('first line\nsecond line'), 'first line'],
  ])('describes %j', (thrown, text) => {
    expect(describeFailure(thrown)).toBe(text);
  });

  it('names the file of a file-system error and says why in words', () => {
    expect(describeFailure(errno('ENOENT', '/x/out.npy'))).toBe('/x/out.npy: no such file or folder');
    expect(describeFailure(errno('EACCES', '/x/song.wav'))).toBe('/x/song.wav: permission denied');
    expect(describeFailure(errno('ELOOP', '/x/loop.wav'))).toBe('/x/loop.wav: symlink loop (or too many symbolic links)');
  });

  it('never names a staging folder or a temporary name', () => {
    const staging = '/home/u/.config/S2Cap Studio/packs/.staging-0b5f0a4e-8d1c-4c36-9a52-9f1d3cf0a1b2';
    expect(describeFailure(new StudioError('BAD_REQUEST', `${staging}/onnx/model.onnx: not listed in model.json`))).toBe('onnx/model.onnx: not listed in model.json');
    expect(hideInternalPaths(`cannot read ${staging}: gone`)).toBe('cannot read the pack folder: gone');
    expect(describeFailure(errno('ENOSPC', '/x/stem.wav.tmp-0123456789ab', 'ENOSPC: no space left on device'))).toBe('/x/stem.wav: ENOSPC: no space left on device');
  });
});
