// The comparison's metric plot: for each common tuple, the metric in B's run against A's, on one
// scale, with the line y = x — points above it grew from A to B, below it shrank. Drawn on the
// server with the results plots' frame (web/pages/results/svg.tsx); each point opens B's run.
import { raw } from 'hono/html';
import type { PairedValue } from '../../../db/compare.ts';
import {
  formatNumber,
  Frame,
  linear,
  markSvg,
  numericTicks,
  PLOT,
  px,
  categorical,
} from '../results/svg.tsx';

/** The range of every value on both axes, so that y = x is the diagonal (widened when flat). */
function jointRange(points: PairedValue[]): [number, number] {
  const values = points.flatMap((p) => [p.a, p.b]).filter(Number.isFinite);
  if (values.length === 0) return [0, 1];
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  return lo === hi ? [lo - 1, hi + 1] : [lo, hi];
}

export function DeltaPlot(props: {
  points: PairedValue[];
  metric: string;
  a: string;
  b: string;
  runOfB(index: number): string;
}) {
  const { points, metric } = props;
  const [lo, hi] = jointRange(points);
  const sx = linear(lo, hi, PLOT.x0 + 6, PLOT.x1 - 6);
  const sy = linear(lo, hi, PLOT.y0 - 6, PLOT.y1 + 6);
  const sign = (d: number) => (d > 0 ? '+' : '') + formatNumber(d);
  return (
    <Frame
      title={`${metric} in series ${props.b} against series ${props.a}, ${points.length} common tuples`}
      xLabel={`${metric} in A (${props.a})`}
      yLabel={`${metric} in B (${props.b})`}
      xTicks={numericTicks(lo, hi, sx)}
      yTicks={numericTicks(lo, hi, sy)}
    >
      <line
        x1={sx(lo)}
        y1={sy(lo)}
        x2={sx(hi)}
        y2={sy(hi)}
        stroke="#999"
        stroke-dasharray="4 3"
        class="identity-line"
      />
      {raw(
        points
          .map((p) =>
            markSvg(
              props.runOfB(p.bIndex),
              `A run ${p.aIndex}: ${formatNumber(p.a)}, B run ${p.bIndex}: ${formatNumber(p.b)} (B − A ${sign(p.b - p.a)})`,
              `<circle cx="${px(sx(p.a))}" cy="${px(sy(p.b))}" r="3.5" fill="${categorical(0)}" fill-opacity="0.8"/>`,
            ),
          )
          .join(''),
      )}
    </Frame>
  );
}
