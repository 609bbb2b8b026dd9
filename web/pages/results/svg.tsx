// The frame every results plot draws in, rendered on the server as SVG: axes with ticks,
// labels, and colour scales. No charting library: the plots are at most a few thousand marks
// drawn from the aggregates (thinned: thin.ts) or a capped page of points, SVG keeps each mark a
// link with a <title> that screen readers and hover both read, and nothing has to run in the page
// (the CSP allows only our own scripts). The same markup is served as a standalone .svg for
// download. The marks are built as strings (markSvg), the frame as JSX.
import type { Child } from 'hono/jsx';

export const WIDTH = 680;
export const HEIGHT = 380;
export const MARGIN = { left: 64, right: 150, top: 20, bottom: 48 };
export const PLOT = {
  x0: MARGIN.left,
  x1: WIDTH - MARGIN.right,
  y0: HEIGHT - MARGIN.bottom,
  y1: MARGIN.top,
};

/** A linear map from [d0, d1] onto [r0, r1] (a flat domain maps to the middle). */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (v) => r0 + ((v - d0) / (d1 - d0)) * (r1 - r0);
}

/** About `count` round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (lo === hi) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

export function formatNumber(v: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  return abs >= 1e5 || abs < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

// Okabe–Ito: eight colours told apart with the common colour-vision deficiencies.
const CATEGORICAL = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
export const categorical = (i: number) => CATEGORICAL[i % CATEGORICAL.length]!;

// Viridis at nine stops: perceptually even, readable in grey and with colour-vision deficiencies.
const VIRIDIS = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
] as const;

/** The viridis colour of t in [0, 1]. */
export function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [VIRIDIS[i]!, VIRIDIS[i + 1]!];
  const mix = (k: 0 | 1 | 2) => Math.round(a[k] + (b[k] - a[k]) * f);
  return `rgb(${mix(0)},${mix(1)},${mix(2)})`;
}

export interface FrameProps {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Tick positions (pixels) and labels. */
  xTicks: Array<[number, string]>;
  yTicks: Array<[number, string]>;
  /** Standalone documents need the namespace; inline SVG in HTML does not, but it does no harm. */
  children: Child;
  legend?: Child;
  /** The id of the <title>, unique per page when a page shows several plots. */
  titleId?: string | undefined;
  /** What the plot shows beyond its title (what was thinned and how); read by screen readers. */
  desc?: string | undefined;
}

/** The plot's SVG element: an accessible image with a title, axes and the marks inside. */
export function Frame(props: FrameProps) {
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width={WIDTH}
      height={HEIGHT}
      role="img"
      aria-labelledby={props.titleId ?? 'plot-title'}
      aria-describedby={props.desc ? `${props.titleId ?? 'plot-title'}-desc` : undefined}
      class="plot"
      font-family="system-ui, sans-serif"
      font-size="11"
    >
      <title id={props.titleId ?? 'plot-title'}>{props.title}</title>
      {props.desc ? <desc id={`${props.titleId ?? 'plot-title'}-desc`}>{props.desc}</desc> : null}
      <rect x="0" y="0" width={WIDTH} height={HEIGHT} fill="#fff" />
      <g stroke="#888" fill="none">
        <line x1={PLOT.x0} y1={PLOT.y0} x2={PLOT.x1} y2={PLOT.y0} />
        <line x1={PLOT.x0} y1={PLOT.y0} x2={PLOT.x0} y2={PLOT.y1} />
      </g>
      <g fill="#333" text-anchor="middle">
        {props.xTicks.map(([px, label]) => (
          <text x={px} y={PLOT.y0 + 16}>
            {label}
          </text>
        ))}
        <text x={(PLOT.x0 + PLOT.x1) / 2} y={HEIGHT - 10} font-weight="bold">
          {props.xLabel}
        </text>
      </g>
      <g fill="#333" text-anchor="end">
        {props.yTicks.map(([py, label]) => (
          <text x={PLOT.x0 - 6} y={py + 4}>
            {label}
          </text>
        ))}
      </g>
      <text
        x={14}
        y={(PLOT.y0 + PLOT.y1) / 2}
        transform={`rotate(-90 14 ${(PLOT.y0 + PLOT.y1) / 2})`}
        text-anchor="middle"
        font-weight="bold"
        fill="#333"
      >
        {props.yLabel}
      </text>
      {props.children}
      {props.legend ? <g transform={`translate(${PLOT.x1 + 16} ${PLOT.y1})`}>{props.legend}</g> : null}
    </svg>
  );
}

/** Ticks of a numeric axis as pixel positions and labels. */
export function numericTicks(lo: number, hi: number, scale: (v: number) => number): Array<[number, string]> {
  return ticks(lo, hi).map((v) => [scale(v), formatNumber(v)]);
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for SVG markup, in an attribute or between tags. */
export function escapeSvg(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A pixel coordinate to one decimal: a tenth of a pixel is below what anyone sees, and shorter. */
export const px = (v: number): number => Math.round(v * 10) / 10;

/**
 * A mark that opens `href` and names what it is (hover and screen readers read the title), as
 * markup: plots draw thousands of these, and building them as strings costs a fraction of
 * building them as JSX elements. `shape` is markup built with px() and escapeSvg().
 */
export function markSvg(href: string, label: string, shape: string): string {
  // SVG 2's href alone: every current browser and editor reads it, and the duplicate
  // xlink:href doubled the longest part of a mark (a filtered table's address).
  return `<a href="${escapeSvg(href)}" class="plot-mark"><title>${escapeSvg(label)}</title>${shape}</a>`;
}
