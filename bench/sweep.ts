// `npm run bench -- sweep [ROUNDS]`: how long the sweep parser takes on pathological inputs
// (the sizes test/sweep/fuzz.test.ts checks only for their outcome), against the `ini`
// package's plain parse of the same texts, in the same run. Each input is parsed ROUNDS times
// (default 5) by each side, alternating, and the best time of each counts, since other work
// on a shared machine only ever adds time. Prints one line per input, then the JSON line of
// the design. A parse that grows worse than linear shows here as a ratio far above 1.
import ini from 'ini';
import { parseSweep, SweepError } from '../sweep/index.ts';

const rounds = Math.max(1, Number(process.argv[2] ?? 5));

/** The inputs a naive parser would choke on: long value lists, huge ranges, many sections, … */
const inputs: Array<{ name: string; text: string }> = [
  { name: '100,000 values in one list', text: `p = ${'1 '.repeat(100_000)}` },
  { name: 'a range of 10^200 steps', text: 'p = 0...1e-100...1e100' },
  { name: '50,000 section headers', text: '[s]\n'.repeat(50_000) },
  { name: 'a 1 MB unterminated quote', text: `p = "${'x'.repeat(1_000_000)}` },
  {
    name: 'a range with 100,000-digit ends',
    text: `p = ${'9'.repeat(100_000)}...1...${'9'.repeat(100_001)}`,
  },
];

/** Parses as the API does (a tuple limit); a SweepError is an answer too, the fast way out. */
function ours(text: string): string {
  try {
    return `${parseSweep(text, { maxTuples: 5000 }).count} tuples`;
  } catch (error) {
    if (error instanceof SweepError) return error.code;
    throw error;
  }
}

function timed(work: () => unknown): number {
  const start = performance.now();
  work();
  return (performance.now() - start) / 1000;
}

let oursTotal = 0;
let baselineTotal = 0;
for (const { name, text } of inputs) {
  const outcome = ours(text);
  let oursBest = Infinity;
  let baselineBest = Infinity;
  for (let round = 0; round < rounds; round++) {
    oursBest = Math.min(
      oursBest,
      timed(() => ours(text)),
    );
    baselineBest = Math.min(
      baselineBest,
      timed(() => ini.parse(text)),
    );
  }
  oursTotal += oursBest;
  baselineTotal += baselineBest;
  console.log(
    `${name.padEnd(34)} ours ${(oursBest * 1000).toFixed(1).padStart(7)} ms (${outcome}), ` +
      `ini ${(baselineBest * 1000).toFixed(1).padStart(7)} ms`,
  );
}
console.log(
  `total (best of ${rounds}):${' '.repeat(17)}ours ${(oursTotal * 1000).toFixed(1)} ms, ini ${(baselineTotal * 1000).toFixed(1)} ms`,
);
console.log(
  JSON.stringify({
    bench: 'sweep',
    n: inputs.length,
    ours_s: Number(oursTotal.toFixed(4)),
    baseline: 'ini.parse of the same texts',
    baseline_s: Number(baselineTotal.toFixed(4)),
    ratio: Number((oursTotal / baselineTotal).toFixed(3)),
    rounds,
  }),
);
