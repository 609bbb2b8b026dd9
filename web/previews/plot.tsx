// A line plot drawn on the server as SVG: no script, no library.
import type { PlotData } from './csv.ts';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const W = 640;
const H = 300;
const PAD = { left: 56, right: 12, top: 12, bottom: 36 };

function ticks(min: number, max: number, n = 5): number[] {
  if (min === max) return [min];
  const step = (max - min) / (n - 1);
  return Array.from({ length: n }, (_, i) => min + i * step);
}

/** A tick label; values within a millionth of the range of zero are zero (no `2.5e-17`). */
function fmt(v: number, range: number): string {
  if (Math.abs(v) <= Math.abs(range) * 1e-6) return '0';
  return Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

export function LinePlot(props: { data: PlotData; title: string }) {
  const all = props.data.series.flatMap((s) => s.points);
  if (all.length === 0) return null;
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => PAD.left + (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const sy = (y: number) =>
    H - PAD.bottom - (y1 === y0 ? 0.5 : (y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  return (
    <svg class="plot" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title}>
      <title>{props.title}</title>
      <rect
        x={PAD.left}
        y={PAD.top}
        width={W - PAD.left - PAD.right}
        height={H - PAD.top - PAD.bottom}
        fill="none"
        stroke="#ccc"
      />
      {ticks(y0, y1).map((t) => (
        <g>
          <line x1={PAD.left - 4} x2={PAD.left} y1={sy(t)} y2={sy(t)} stroke="#888" />
          <text x={PAD.left - 6} y={sy(t) + 4} font-size="11" text-anchor="end" fill="#444">
            {fmt(t, y1 - y0)}
          </text>
        </g>
      ))}
      {ticks(x0, x1).map((t) => (
        <text x={sx(t)} y={H - PAD.bottom + 15} font-size="11" text-anchor="middle" fill="#444">
          {fmt(t, x1 - x0)}
        </text>
      ))}
      <text x={(W + PAD.left) / 2} y={H - 4} font-size="12" text-anchor="middle" fill="#222">
        {props.data.xLabel}
      </text>
      {props.data.series.map((s, i) => (
        <polyline
          fill="none"
          stroke={COLORS[i % COLORS.length]}
          stroke-width="1.5"
          points={s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}
        />
      ))}
      {props.data.series.map((s, i) => (
        <text x={PAD.left + 8} y={PAD.top + 14 + i * 14} font-size="12" fill={COLORS[i % COLORS.length]}>
          {s.name}
        </text>
      ))}
    </svg>
  );
}
