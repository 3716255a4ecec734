// The `s2cap` command: every capability of the studio without a window. Prints JSON with
// --json (and nothing else on stdout), and exits non-zero with one line on stderr on bad input.
import path from 'node:path';
import { describeFailure } from '../core/api/failureText';
import { parseCommandInput } from '../core/api/schemas';
import { defaultDbPath, libraryLocation } from '../core/dataDir';
import { createStudio, type Studio, type StudioOptions } from '../core/studio';
import { STUDIO_VERSION } from '../core/version';
import type { TrackQuery } from '../shared/types';
import { parseCommandArgs, UsageError, type OptionSpec } from './args';
import { cmdAttributes } from './attributesCommand';
import { cmdCaptions } from './captionCommands';
import { cmdExport } from './exportCommand';
import { cmdEval } from './evalCommand';
import { cmdDataset } from './datasetCommand';
import { cmdMetrics } from './metricsCommand';
import { formatImportReport, formatTrackTable } from './format';
import { captionCommand, featuresCommand, modelsCommand, separateCommand, type Flags } from './inferenceCommands';
import { packageDir, packageRoot } from './packageDir';
import { cmdQueue, cmdStats } from './queueCommands';
import { cmdServe } from './serveCommand';
import { cmdTrain } from './trainCommand';
import { relinkCommand, segmentsCommand, stemsCommand } from './trackCommands';
import { cmdUsers } from './usersCommand';

const HELP = `s2cap ${STUDIO_VERSION} — S2Cap Studio from the command line

Usage: s2cap <command> [options]

Commands:
  import PATH... [--allow-truncated]
                            import audio files and folders (recursive) into the library; a
                            cut-off file is refused unless --allow-truncated, which imports
                            the part that decodes, with its true duration
  list [--search TEXT] [--status S,S] [--sort FIELD[:desc]] [--limit N] [--offset N]
                            list the library's tracks (all of them, or one page of a search:
                            FIELD is title, artist, addedAt, duration or status)
  serve                     serve the studio to a browser (prints the URL with its token)
  stems TRACK               list a track's stems
  stems attach TRACK NAME FILE
                            attach an existing stem file (e.g. vocals) to a track
  segments TRACK            list a track's caption segments
  segments add TRACK START END | segments rm SEGMENT
  relink TRACK PATH         point a track at its moved file (same content only)
  captions SEGMENT          a segment's caption: its state, head revision and suggestion
  captions set SEGMENT TEXT [--status draft|approved|rejected|flagged] [--author NAME]
                            [--parent REV|none] [--note TEXT]
                            save a caption revision (default status draft) on top of the
                            head, or of REV: refused, printing the head, if it moved on;
                            the author is --author, else the library's annotator name
  captions history SEGMENT  every revision of a segment, oldest first
  queue [--order import|confidence|unreviewed|artist] [--status S,S] [--model M]
        [--annotator A] [--search TEXT] [--since T] [--until T] [--track ID]
        [--reviewable] [--limit N] [--offset N]
                            one page of the annotation queue (S: unsuggested, suggested,
                            draft, approved, rejected, flagged, stale; M: NAME@VERSION or
                            built-in; --reviewable: approved captions awaiting a reviewer)
  stats [--since T] [--until T]
                            per annotator and per model: approved, word edits from the
                            suggestion, accepted unchanged, median time; agreement
  export --format F --out DIR [--status S,S] [--since MANIFEST] [--annotator A]
         [--pack P] [--splits 0.8,0.1,0.1] [--sample-rate 16000|original] [--vocals] [--force]
                            write the captions for retraining (F: jsonl, csv, audiofolder,
                            pairs, label-studio) with manifest.json (checksums, counts, query);
                            default status approved; --since an earlier manifest.json writes
                            only rows changed since it and lists the ones no longer eligible
                            in withdrawn.jsonl; splits by track content hash; an existing
                            DIR is refused unless --force (replaced once the new one is complete)
  train --data EXPORT_DIR [--out RUN_DIR] [--config F] [--init-encoder DIR]
        [--init-decoder DIR] [--name N] [--no-resume]
                            retrain the captioner on an audiofolder export (export --format
                            audiofolder --vocals) with training/s2cap_train in a Python that
                            has PyTorch (S2CAP_PYTHON, else /usr/bin/python3, python3,
                            python), then install the pack and use it as the captioner;
                            progress on stderr; Ctrl-C stops, the same command resumes (the
                            run folder defaults to one per export and config in the library's
                            folder; a new export or config starts a new run); --no-resume
                            starts the run folder over; --init-*: Hugging Face AST / BART
                            folders to start from
  users add NAME [--role annotator|reviewer] | users list | users remove NAME
                            server accounts: add prints the user's own token (once);
                            a removed user's token stops working at once
  metrics --candidates C.jsonl --references R.jsonl
                            caption metrics as pycocoevalcap v1.2 computes them (BLEU-1..4,
                            ROUGE-L, CIDEr-D; METEOR/SPICE when S2CAP_METEOR_JAR /
                            S2CAP_SPICE_JAR and Java exist) as one JSON object with per_item;
                            C lines {"id","caption"}, R lines {"id","captions":[...]}
  dataset import s2cap META.csv|META.jsonl [--audio DIR|MAP.csv]
                            import S2Cap metadata (id, caption, begin, end, youtube_id,
                            split) as approved reference captions: audio from a folder of
                            files named by youtube_id or id, or a CSV map (youtube_id,path
                            or id,path); also the studio's own jsonl/csv export (its
                            source_path when no --audio); re-importing adds nothing twice
  dataset import label-studio EXPORT.json [--audio DIR]
                            import a Label Studio JSON export of audio tasks (TextArea
                            results per region; files by path, or by name in DIR)
  features AUDIO --out F.npy [--segment S:E]
                            AST input features (float32 1024×128, as Hugging Face computes them)
  separate AUDIO --out DIR [--pack P] [--ep E] [--shifts N]
                            split into stems with a separator pack
  caption AUDIO [--pack P] [--segment S:E] [--beams N] [--ep E]
                            suggest a caption; prints text, score, pack, ep, ms
  attributes AUDIO [--segment S:E] [--vocals FILE]
                            measured singing attributes: tempo and beats, pitch (median,
                            5–95 %), loudness (EBU R128) and range, vibrato, brightness,
                            breathiness, voiced ratio, with S2Cap categories and confidences;
                            --vocals: pitch and timbre from this stem; default thresholds
                            unless --db names a library (its own once it has enough captions)
  models [list] | install DIR|ZIP | remove ID | use captioner|separator ID
                            model packs (P: an installed NAME@VERSION or a pack folder)
  models settings [encoder|decoder|separator EP | threads N | int8 on|off]
                            print or change the inference settings (int8 on: captioner
                            models on CPU run the pack's *_quantized.onnx graphs if it has them)
  models calibrate [reset] [ID]
                            measure where \`auto\` runs the captioner's encoder and decoder on
                            this machine (fastest provider per model; kept in the library); reset:
                            forget it, so the next caption job measures again
  eval [--pack P|built-in] [--split train|validation|test|all] [--status S,S] [--beams N]
                            caption the reference segments (heads with status S, default
                            approved; the export's split by track) with a captioner and print
                            BLEU-1..4, ROUGE-L, CIDEr-D against them; writes no suggestions;
                            the run is kept in the library's evaluation history
  eval list                 the library's evaluation history

Options (every command):
  --db FILE|URL             library file (default: $S2CAP_DB, else ${defaultDbPath()});
                            its files go in the folder beside it named after it (NAME.data/);
                            or a PostgreSQL library: postgres://user@host[:port]/name
  --data-dir DIR            the library's data folder for this run (or S2CAP_DATA_DIR); a
                            PostgreSQL library records its folder and finds it again
  --json                    print JSON only
  -h, --help                this help
serve:
  --port N                  port (default 5273; 0 picks a free one)
  --host H                  address to bind (default 127.0.0.1)
  --allow-path DIR          a folder whose files browser clients may import, relink, attach or
                            install by path (repeatable; default: your home folder when bound to
                            loopback, none otherwise — uploads always work)
  --public-host NAME        another host name the server is reached by (repeatable; it answers
                            only to its address, localhost and these)
  --token T                 use and keep this token (or S2CAP_TOKEN=T); at least 16 characters
  --new-token               replace the library's kept token with a fresh one
`;

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: CliIo = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };

/** Runs one command; resolves to the exit code. `serve` resolves only when the server stops. */
export async function runCli(argv: string[], io: CliIo = stdio): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '-h':
      case '--help':
        io.out(HELP);
        return 0;
      case '--version':
      case 'version':
        io.out(STUDIO_VERSION);
        return 0;
      case 'import':
        return await cmdImport(rest, io);
      case 'list':
        return await cmdList(rest, io);
      case 'captions':
        return await cmdCaptions(rest, io, { open: (where) => openStudio(where, io), help: () => io.out(HELP) });
      case 'queue':
        return await cmdQueue(rest, io, { open: (where) => openStudio(where, io), help: () => io.out(HELP) });
      case 'stats':
        return await cmdStats(rest, io, { open: (where) => openStudio(where, io), help: () => io.out(HELP) });
      case 'eval':
        return await cmdEval(rest, io, { open: (where) => openStudio(where, io), help: () => io.out(HELP) });
      case 'export':
        return await cmdExport(rest, io, { open: (where) => openStudio(where, io), help: () => io.out(HELP) });
      case 'train':
        return await cmdTrain(rest, io, { open: (where) => openStudio(where, io), help: () => io.out(HELP) });
      case 'users':
        return await cmdUsers(rest, io, { open: (where) => openStudio(where, io), help: () => io.out(HELP) });
      case 'metrics':
        return await cmdMetrics(rest, io, () => io.out(HELP));
      case 'attributes':
        return await cmdAttributes(rest, io, { open: (where) => openStudio(where, io), help: () => io.out(HELP) });
      case 'dataset':
        return await cmdDataset(rest, io, { open: (where) => openStudio(where, io), help: () => io.out(HELP) });
      case 'serve':
        return await cmdServe(rest, io, { open: (where) => openStudio(where, io, true), help: () => io.out(HELP), root: packageRoot() });
      default:
        if (Object.hasOwn(LIBRARY_COMMANDS, command)) return await withStudio(rest, io, LIBRARY_COMMANDS[command]!);
        throw new UsageError(`unknown command "${command}" (see s2cap --help)`);
    }
  } catch (err) {
    // One line whatever was thrown: the file and the reason, never "error: undefined".
    io.err(`s2cap: ${describeFailure(err)}`);
    return err instanceof UsageError ? 2 : 1;
  }
}

/** What --db and --data-dir name (each may also come from the environment). */
export interface LibraryFlags {
  db?: string;
  'data-dir'?: string;
}

/** The library a command opens: the same rule as the desktop app's (core/dataDir, main/studioOptions). */
export function cliStudioOptions(flags: LibraryFlags, env: NodeJS.ProcessEnv = process.env, runJobs = false): StudioOptions {
  return { ...libraryLocation(flags.db, flags['data-dir'], env), runJobs, bundledPacksDir: packageDir('resources/packs') };
}

/** One-shot commands leave the job queue alone; `serve` runs it. Notes about the data folder go to stderr. */
function openStudio(flags: LibraryFlags, io: CliIo, runJobs = false): Promise<Studio> {
  return createStudio({ ...cliStudioOptions(flags, process.env, runJobs), onNotice: (line) => io.err(`s2cap: ${line}`) });
}

async function cmdImport(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { 'allow-truncated': { type: 'boolean', default: false } });
  if (values.help) return io.out(HELP), 0;
  if (positionals.length === 0) throw new UsageError('import needs at least one file or folder');
  const studio = await openStudio(values, io);
  try {
    if (!values.json) studio.on('importProgress', (p) => process.stderr.isTTY && process.stderr.write(`\r${p.done}/${p.total} ${path.basename(p.path)}\x1b[K`));
    const report = await studio.importPaths({ paths: positionals, allowTruncated: values['allow-truncated'] });
    if (!values.json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    io.out(values.json ? JSON.stringify(report) : formatImportReport(report));
    if (report.failed.length) {
      const n = report.failed.length;
      io.err(`s2cap: ${n} file${n === 1 ? '' : 's'} could not be imported (reasons above)`);
      return 1;
    }
    return 0;
  } finally {
    await studio.close();
  }
}

const MODEL_OPTIONS = {
  out: { type: 'string' },
  pack: { type: 'string' },
  ep: { type: 'string' },
  segment: { type: 'string' },
  beams: { type: 'string' },
  shifts: { type: 'string' },
} as const;

type LibraryCommand = (studio: Studio, args: string[], flags: Flags, out: (s: string) => void) => Promise<void>;

/** Commands that open the library, run, and close it again. */
const LIBRARY_COMMANDS: Record<string, LibraryCommand> = {
  stems: stemsCommand,
  segments: segmentsCommand,
  relink: relinkCommand,
  features: featuresCommand,
  separate: separateCommand,
  caption: captionCommand,
  models: modelsCommand,
};

/** Opens the library for one command, runs it with the parsed flags, and closes it again. */
async function withStudio(
  argv: string[],
  io: CliIo,
  run: LibraryCommand,
): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, MODEL_OPTIONS);
  if (values.help) return io.out(HELP), 0;
  const studio = await openStudio(values, io);
  try {
    await run(studio, positionals, values as Flags, io.out);
    return 0;
  } finally {
    await studio.close();
  }
}

const LIST_OPTIONS = {
  search: { type: 'string' },
  status: { type: 'string' },
  sort: { type: 'string' },
  limit: { type: 'string' },
  offset: { type: 'string' },
} as const satisfies OptionSpec;

/** `list` with any of --search/--status/--sort/--limit/--offset is one page of queryTracks. */
function listQuery(v: { search?: string; status?: string; sort?: string; limit?: string; offset?: string }): TrackQuery | null {
  if (v.search === undefined && v.status === undefined && v.sort === undefined && v.limit === undefined && v.offset === undefined) return null;
  const [sort, dir] = (v.sort ?? '').split(':');
  const num = (raw: string | undefined, flag: string) => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${flag} must be a whole number, got "${raw}"`);
    return n;
  };
  const query = {
    ...(v.search !== undefined ? { q: v.search } : {}),
    ...(v.status !== undefined ? { status: v.status.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
    ...(sort ? { sort } : {}),
    ...(dir ? { dir } : {}),
    ...(v.limit !== undefined ? { limit: num(v.limit, 'limit') } : {}),
    ...(v.offset !== undefined ? { offset: num(v.offset, 'offset') } : {}),
  };
  try {
    return parseCommandInput('queryTracks', query);
  } catch (err) {
    throw new UsageError(`list: ${(err as Error).message}`);
  }
}

async function cmdList(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, LIST_OPTIONS);
  if (values.help) return io.out(HELP), 0;
  if (positionals.length) throw new UsageError(`list takes no arguments, got "${positionals[0]}"`);
  const query = listQuery(values);
  const studio = await openStudio(values, io);
  try {
    if (!query) {
      const tracks = await studio.listTracks();
      io.out(values.json ? JSON.stringify(tracks) : formatTrackTable(tracks));
      return 0;
    }
    const page = await studio.queryTracks(query);
    if (values.json) io.out(JSON.stringify(page));
    else {
      io.out(formatTrackTable(page.tracks));
      io.out(`${page.offset + 1}–${page.offset + page.tracks.length} of ${page.total} matching`.replace(/^1–0 of/, '0 of'));
    }
    return 0;
  } finally {
    await studio.close();
  }
}
