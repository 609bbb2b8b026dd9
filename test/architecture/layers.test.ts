// The layers of docs/architecture.md, checked on the import graph (type-only imports count:
// a type is vocabulary too): no arrow from a lower layer up. Since the core/ step there is no
// exception: what a lower layer needs moves down (core/ for shared vocabulary).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildImportGraph, type ImportGraph } from './import-graph.ts';

/** Top-level folder (or root file) → the project's top-level folders/files it must not import. */
const FORBIDDEN: Record<string, { only?: string[]; not?: string[] }> = {
  // The domain vocabulary, at the bottom: imports nothing of the project.
  core: { only: [] },
  // The sweep language is pure: at most the vocabulary below it.
  sweep: { only: ['core'] },
  hosts: { not: ['activities', 'workflows', 'api', 'web', 'workers', 'cli'] },
  db: { not: ['activities', 'workflows', 'api', 'web', 'workers', 'cli'] },
  // Served by both the API and the web UI, so below both.
  files: { not: ['api', 'web', 'workers', 'cli'] },
};

const layerOf = (file: string) => file.split('/')[0]!;

function upwardImports(graph: ImportGraph): string[] {
  const found: string[] = [];
  for (const [from, targets] of graph) {
    const rule = FORBIDDEN[layerOf(from)];
    if (!rule || !from.includes('/')) continue;
    for (const to of targets) {
      const layer = layerOf(to);
      if (layer === layerOf(from)) continue;
      const allowed = rule.only ? rule.only.includes(layer) : !rule.not!.includes(layer);
      if (!allowed) found.push(`${from} -> ${to}`);
    }
  }
  return found.sort();
}

test('no lower layer imports a higher one', () => {
  assert.deepEqual(
    upwardImports(buildImportGraph()),
    [],
    'upward imports: move what the lower layer needs down (core/ for shared vocabulary) instead',
  );
});

test('the layer rules see an upward import, allow a downward one and skip other layers', () => {
  const graph: ImportGraph = new Map([
    ['core/ranges.ts', ['sweep/index.ts']],
    ['sweep/parse.ts', ['core/ranges.ts', 'sweep/lexer.ts']],
    ['hosts/executor.ts', ['workflows/shared.ts', 'sweep/index.ts', 'db/schema.ts']],
    ['db/runs.ts', ['api/errors.ts', 'core/ranges.ts']],
    ['files/serve.ts', ['web/format.ts']],
    ['web/app.tsx', ['db/runs.ts', 'api/auth.ts']],
  ]);
  assert.deepEqual(upwardImports(graph), [
    'core/ranges.ts -> sweep/index.ts',
    'db/runs.ts -> api/errors.ts',
    'files/serve.ts -> web/format.ts',
    'hosts/executor.ts -> workflows/shared.ts',
  ]);
});
