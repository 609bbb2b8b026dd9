// `npm run bench -- NAME [args]`: runs bench/NAME.ts, which ends by printing one JSON line
// {"bench", "n", "ours_s", "baseline", "baseline_s", "ratio", …}.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''));
const name = process.argv[2];
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- NAME\navailable: ${available.join(', ') || '(none yet)'}\n`);
  process.exit(2);
}
process.argv.splice(2, 1);
await import(`./${name}.ts`);
