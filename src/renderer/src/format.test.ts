import { describe, expect, it } from 'vitest';
import type { ImportReport, Track } from '../../shared/types';
import { formatCounts, importSummary, STATUS_LABELS } from './format';

describe('library display', () => {
  it('shows per-track counts compactly', () => {
    expect(formatCounts({ segments: 3, suggested: 2, approved: 1 })).toBe('3 seg · 2 sugg · 1 ✓');
    expect(formatCounts({ segments: 0, suggested: 0, approved: 0 })).toBe('—');
    expect(formatCounts(undefined)).toBe('—');
  });

  it('names machine suggestions as such, and review as review', () => {
    expect(STATUS_LABELS.captioned).toBe('Suggested');
    expect(STATUS_LABELS.reviewed).toBe('Reviewed');
  });
});

describe('import summary', () => {
  it('separates every part with a spaced dot ("library· 4" was missing its space)', () => {
    const t = {} as Track;
    const report: ImportReport = {
      imported: [t, t],
      duplicates: [{ path: 'a', name: 'a', trackId: 1 } as never, { path: 'b', name: 'b', trackId: 2 } as never],
      relinked: [t],
      failed: [{ path: 'c', name: 'c', reason: 'x' }],
      skipped: 4,
      truncated: [{ path: 'd', name: 'd', reason: 'truncated' }],
    };
    expect(importSummary(report)).toBe('Imported 2 (1 cut short) · relinked 1 · 2 already in the library · 1 could not be imported · 4 non-audio skipped');
    expect(importSummary({ imported: [], duplicates: [], relinked: [], failed: [], skipped: 0 })).toBe('Imported 0');
  });
});
