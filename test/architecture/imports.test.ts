// The import graph of every tracked .ts/.tsx file has no cycle. A cycle makes load order
// matter (a module sees another's exports as undefined while both load) and blurs which
// file depends on which; break one by moving the shared piece into a module of its own.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { buildImportGraph, findCycles, type ImportGraph } from './import-graph.ts';

test('the project has no import cycle', () => {
  const cycles = findCycles(buildImportGraph());
  assert.deepEqual(
    cycles.map((c) => c.join(' → ')),
    [],
    'import cycles (move what both files need into a module of its own)',
  );
});

// The checker itself: it must see a cycle when there is one, or the test above proves nothing.
test('findCycles names a two-file cycle, a longer one and a self-import, and nothing in a tree', () => {
  const graph: ImportGraph = new Map([
    ['web/app.tsx', ['web/routes/new-series.tsx', 'web/layout.tsx']],
    ['web/routes/new-series.tsx', ['web/app.tsx']],
    ['web/layout.tsx', ['web/components.tsx']],
    ['web/components.tsx', []],
    ['db/a.ts', ['db/b.ts']],
    ['db/b.ts', ['db/c.ts']],
    ['db/c.ts', ['db/a.ts']],
    ['sweep/self.ts', ['sweep/self.ts']],
  ]);
  const cycles = findCycles(graph).map((c) => c.join(' → '));
  assert.deepEqual(cycles.sort(), [
    'db/a.ts → db/b.ts → db/c.ts → db/a.ts',
    'sweep/self.ts → sweep/self.ts',
    'web/app.tsx → web/routes/new-series.tsx → web/app.tsx',
  ]);
  assert.deepEqual(
    findCycles(
      new Map([
        ['a.ts', ['b.ts']],
        ['b.ts', []],
      ]),
    ),
    [],
  );
});

test('the graph follows import, export-from, type-only and dynamic imports, not packages', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'tuplet-imports-'));
  try {
    const files: Record<string, string> = {
      'a.ts': "import { b } from './b.ts';\nimport type { C } from './c.ts';\nimport { z } from 'zod';\n",
      'b.ts': "export { d } from './sub/d.tsx';\nexport const b = 1;\n",
      'c.ts': "export type C = number;\nexport const load = () => import('./e.ts');\n",
      'sub/d.tsx': "import '../a.ts';\nexport const d = <p />;\n",
      'e.ts': "// import { x } from './a.ts' in a comment is no import\nconst s = \"import './b.ts'\";\n",
    };
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, name)), { recursive: true });
      await writeFile(path.join(root, name), text);
    }
    const graph = buildImportGraph(Object.keys(files).sort(), root);
    assert.deepEqual(Object.fromEntries(graph), {
      'a.ts': ['b.ts', 'c.ts'],
      'b.ts': ['sub/d.tsx'],
      'c.ts': ['e.ts'],
      'e.ts': [],
      'sub/d.tsx': ['a.ts'],
    });
    assert.deepEqual(findCycles(graph), [['a.ts', 'b.ts', 'sub/d.tsx', 'a.ts']]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
