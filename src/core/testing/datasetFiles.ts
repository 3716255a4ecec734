// Test-only readers for exported datasets (used by export/audiofolder.test.ts, moved out of it to keep
// that file under the size limit): the files under a folder, each metadata.jsonl column's type as
// pyarrow would infer it (via python3), and a strict parser of the YAML subset the dataset card's
// front matter is written in.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

/**
 * Each column's type as pyarrow's JSON reader infers it for one file (`5` int64, `5.0` double, a
 * column null in every row `null`, objects structs), read by Python's json module, which keeps the
 * same int/float distinction of the literal: the features datasets compares across splits.
 */
const ARROW_TYPES = `
import json, sys
def kind(vs):
    vs = [v for v in vs if v is not None]
    ks = set('bool' if isinstance(v, bool) else 'int64' if isinstance(v, int) else 'double' if isinstance(v, float)
             else 'string' if isinstance(v, str) else 'struct' for v in vs)
    if 'double' in ks: ks.discard('int64')
    if not ks: return 'null'
    if ks == {'struct'}:
        keys = sorted({k for v in vs for k in v})
        return 'struct<' + ','.join(k + ':' + kind([v.get(k) for v in vs]) for k in keys) + '>'
    return '|'.join(sorted(ks))
rows = [json.loads(l) for l in open(sys.argv[1])]
keys = list(dict.fromkeys(k for r in rows for k in r))
print(' '.join(k + ':' + kind([r.get(k) for r in rows]) for k in keys))
`;
export function arrowSchema(file: string): string {
  return execFileSync('python3', ['-c', ARROW_TYPES, file]).toString().trim();
}

export type Parsed = string | number | boolean | Parsed[] | { [k: string]: Parsed };
/**
 * A strict reader of the YAML subset the dataset card is written in (block mappings and sequences, JSON-
 * quoted strings, plain numbers, booleans and bare words): anything else — a tab, a stray indent,
 * a duplicate key, an unquoted string with punctuation — throws, naming the line.
 */
export function parseYamlSubset(text: string, what = 'YAML'): Parsed {
  const lines = text.split('\n');
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${what} line ${i + 1}: ${why}: ${JSON.stringify(lines[i])}`);
  };
  const indentOf = (l: string): number => l.length - l.trimStart().length;
  const KEY = /^([A-Za-z_][A-Za-z0-9_]*|"(?:[^"\\]|\\.)*"):(?: (.+))?$/;
  const scalar = (t: string): Parsed => {
    if (t.startsWith('"')) return JSON.parse(t) as string;
    if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === '[]') return [];
    if (/^[a-z][a-z0-9]*$/.test(t)) return t;
    return fail('not a scalar this card writes');
  };
  const isItem = (l: string, indent: number): boolean => indentOf(l) === indent && l.slice(indent).startsWith('- ');
  function block(indent: number): Parsed {
    return isItem(lines[i]!, indent) ? seq(indent) : map(indent);
  }
  function map(indent: number, firstLine?: string): { [k: string]: Parsed } {
    const out: { [k: string]: Parsed } = {};
    let line = firstLine ?? lines[i]!;
    while (i < lines.length) {
      if (firstLine === undefined || Object.keys(out).length) {
        line = lines[i]!;
        if (indentOf(line) < indent || isItem(line, indent)) break;
        if (indentOf(line) > indent) fail('unexpected indentation');
        line = line.slice(indent);
      }
      if (line.includes('\t')) fail('tab');
      const m = KEY.exec(line) ?? fail('not a key');
      const k = m[1]!.startsWith('"') ? (JSON.parse(m[1]!) as string) : m[1]!;
      if (k in out) fail(`duplicate key ${k}`);
      i++;
      if (m[2] !== undefined) out[k] = scalar(m[2]);
      else {
        const next = lines[i] ?? fail('nothing under a key');
        if (indentOf(next) > indent) out[k] = block(indentOf(next));
        else if (isItem(next, indent)) out[k] = seq(indent);
        else fail('nothing under a key');
      }
    }
    return out;
  }
  function seq(indent: number): Parsed[] {
    const out: Parsed[] = [];
    while (i < lines.length && isItem(lines[i]!, indent)) {
      const rest = lines[i]!.slice(indent + 2);
      if (KEY.test(rest)) out.push(map(indent + 2, rest));
      else {
        out.push(scalar(rest));
        i++;
      }
    }
    if (i < lines.length && indentOf(lines[i]!) > indent) fail('unexpected indentation');
    return out;
  }
  const v = block(0);
  if (i !== lines.length) fail('left over');
  return v;
}
