// The desktop app and the CLI open the same default library (and so the same data folder) for
// the same environment: both go through core's one rule, and the desktop app adds no folder of its own.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliStudioOptions } from '../cli/main';
import { libraryDataDir } from '../core/dataDir';
import { desktopStudioOptions } from './studioOptions';

const where = { packaged: false, resourcesPath: '/opt/s2cap/resources', appDir: '/src/s2cap/out/main' };

describe('desktop and CLI library', () => {
  it.each([
    ['no variables (Linux)', { HOME: '/home/ann' }],
    ['XDG_CONFIG_HOME', { HOME: '/home/ann', XDG_CONFIG_HOME: '/home/ann/.cfg' }],
    ['S2CAP_HOME', { HOME: '/home/ann', S2CAP_HOME: '/data/studio' }],
    ['S2CAP_DB', { HOME: '/home/ann', S2CAP_HOME: '/data/studio', S2CAP_DB: '/data/team.s2cap.db' }],
  ])('open the same library with %s', (_label, env) => {
    const desktop = desktopStudioOptions(env, where);
    const cli = cliStudioOptions({}, env);
    expect(desktop.dbPath).toBe(cli.dbPath);
    // The data folder is the library's own, derived from its file, in both.
    expect(desktop.dataDir).toBeUndefined();
    expect(cli.dataDir).toBeUndefined();
    expect(libraryDataDir(desktop.dbPath)).toBe(path.join(path.dirname(cli.dbPath), path.parse(cli.dbPath).name + '.data'));
  });

  it('honours S2CAP_HOME and S2CAP_DB on the desktop too', () => {
    expect(desktopStudioOptions({ S2CAP_HOME: '/data/studio' }, where).dbPath).toBe(path.resolve('/data/studio/library.s2cap.db'));
    expect(desktopStudioOptions({ S2CAP_DB: '/data/x.s2cap.db' }, where).dbPath).toBe(path.resolve('/data/x.s2cap.db'));
  });

  it('opens a PostgreSQL library named by S2CAP_DB, with S2CAP_DATA_DIR, the same as the CLI', () => {
    const env = { HOME: '/home/ann', S2CAP_HOME: '/data/studio', S2CAP_DB: 'postgres://ann@db.example:5433/team', S2CAP_DATA_DIR: '/mnt/team' };
    const desktop = desktopStudioOptions(env, where);
    expect(desktop.dbPath).toBe('postgres://ann@db.example:5433/team');
    expect(desktop.dataDir).toBe(path.resolve('/mnt/team'));
    expect(desktop.defaultDataDir).toBe(path.resolve('/data/studio/libraries/db.example-5433-team.data'));
    const cli = cliStudioOptions({}, env);
    expect([cli.dbPath, cli.dataDir, cli.defaultDataDir]).toEqual([desktop.dbPath, desktop.dataDir, desktop.defaultDataDir]);
    expect(cliStudioOptions({ 'data-dir': '/srv/x' }, env).dataDir).toBe(path.resolve('/srv/x'));
  });

  it('finds the bundled packs inside the app when packaged, in the checkout otherwise', () => {
    expect(desktopStudioOptions({}, { ...where, packaged: true }).bundledPacksDir).toBe(path.join('/opt/s2cap/resources', 'packs'));
    expect(desktopStudioOptions({}, where).bundledPacksDir).toBe(path.resolve('/src/s2cap/resources/packs'));
  });
});
