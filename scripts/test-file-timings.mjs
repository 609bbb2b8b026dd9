// A reporter for Node's test runner (scripts/test.sh passes it): the wall time of every test
// file, from the moment the runner starts it to the moment it completes, including what no
// test's own duration shows (loading its modules, before/after hooks outside suites, starting
// and stopping its services). Writes `seconds<TAB>file` lines, slowest first, when the run ends,
// so a slow CI run says which files to look at.
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export default async function* fileTimings(source) {
  const started = new Map();
  const seconds = new Map();
  for await (const { type, data } of source) {
    // A file is the top-level test named after its path.
    if (!data || data.nesting !== 0 || data.name !== data.file) continue;
    if (type === 'test:dequeue') started.set(data.file, performance.now());
    else if (type === 'test:complete' && started.has(data.file))
      seconds.set(data.file, (performance.now() - started.get(data.file)) / 1000);
  }
  const root = process.cwd();
  const rows = [...seconds].sort((a, b) => b[1] - a[1]);
  for (const [file, s] of rows) yield `${s.toFixed(1)}\t${path.relative(root, file)}\n`;
}
