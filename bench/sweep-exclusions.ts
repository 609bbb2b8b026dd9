// `npm run bench -- sweep-exclusions [ROUNDS]`: what exclusion rules cost. The baseline is the
// same sweep without the rule (a plain cartesian product, 1,000,000 combinations), in the same
// process; ours keeps 500,500 of them under `#@exclude a > b`. Three measures, best of ROUNDS
// (default 3), since other work on a shared machine only ever adds time:
//   parse      parseSweep (ours lists the kept positions once: the rule over every combination)
//   random     tupleAt at 100,000 spread indices (ours: one array read more per tuple)
//   iterate    tuplesInRange over the first 100,000 tuples
// The JSON line's ratio is ours/baseline of random access, the figure the brief targets.
import { parseSweep, tupleAt, tuplesInRange, type Sweep } from '../sweep/index.ts';

const rounds = Math.max(1, Number(process.argv[2] ?? 3));
const SAMPLES = 100_000;

const plain = '[grid]\na = 1...1...1000\nb = 1...1...1000\nc = x\n';
const excluded = `${plain}#@exclude a > b\n`;

function best(work: () => unknown): number {
  let fastest = Infinity;
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    work();
    fastest = Math.min(fastest, (performance.now() - start) / 1000);
  }
  return fastest;
}

function randomAccess(sweep: Sweep): number {
  const count = Number(sweep.count);
  let bytes = 0;
  for (let k = 0; k < SAMPLES; k++) bytes += tupleAt(sweep, Math.floor((k * count) / SAMPLES)).dir.length;
  return bytes;
}

function iteration(sweep: Sweep): number {
  let bytes = 0;
  for (const tuple of tuplesInRange(sweep, 0, SAMPLES)) bytes += tuple.dir.length;
  return bytes;
}

const options = { maxTuples: 1_000_000 };
const [base, ours] = [parseSweep(plain, options), parseSweep(excluded, options)];
const rows = [
  {
    measure: 'parse',
    baseline: best(() => parseSweep(plain, options)),
    ours: best(() => parseSweep(excluded, options)),
  },
  { measure: 'random', baseline: best(() => randomAccess(base)), ours: best(() => randomAccess(ours)) },
  { measure: 'iterate', baseline: best(() => iteration(base)), ours: best(() => iteration(ours)) },
];
console.log(`plain: ${base.count} tuples; with #@exclude a > b: ${ours.count} of ${ours.combinations}`);
for (const { measure, baseline, ours: time } of rows) {
  console.log(
    `${measure.padEnd(8)} ours ${(time * 1000).toFixed(1).padStart(8)} ms, plain ${(baseline * 1000).toFixed(1).padStart(8)} ms, ratio ${(time / baseline).toFixed(2)}`,
  );
}
const random = rows[1]!;
console.log(
  JSON.stringify({
    bench: 'sweep-exclusions',
    n: SAMPLES,
    ours_s: Number(random.ours.toFixed(4)),
    baseline: 'tupleAt on the same sweep without the rule (plain cartesian)',
    baseline_s: Number(random.baseline.toFixed(4)),
    ratio: Number((random.ours / random.baseline).toFixed(3)),
    parse_ratio: Number((rows[0]!.ours / rows[0]!.baseline).toFixed(3)),
    iterate_ratio: Number((rows[2]!.ours / rows[2]!.baseline).toFixed(3)),
    rounds,
  }),
);
