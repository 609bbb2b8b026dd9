// Exact decimal numbers for ranges: a value is `units / 10^scale` with bigint units, so
// 0.1...0.1...0.5 has exactly five values and prints them as written, never as 0.30000000000000004.

export interface Decimal {
  units: bigint;
  /** Digits after the decimal point the number was written with (exponent included). */
  scale: number;
}

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
/** Exponents beyond this are refused: 1e999999999 would otherwise allocate a gigantic integer. */
const MAX_EXPONENT = 100;

/** Parses a plain decimal number (`-1.25`, `.5`, `3.`, `1e-3`); null when `text` is not one. */
export function parseDecimal(text: string): Decimal | null {
  const match = NUMBER.exec(text);
  if (!match) return null;
  const [, sign = '', whole = '', fraction = '', exponentText] = match;
  if (whole === '' && fraction === '') return null;
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (Math.abs(exponent) > MAX_EXPONENT) return null;
  let units = BigInt(`${whole}${fraction}` || '0');
  let scale = fraction.length - exponent;
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { units: sign === '-' ? -units : units, scale };
}

/** The same number written with `scale` digits after the point (scale ≥ the number's own). */
export function rescale(value: Decimal, scale: number): bigint {
  return value.units * 10n ** BigInt(scale - value.scale);
}

/** Formats `units / 10^scale` with exactly `scale` decimals: (-5n, 1) → "-0.5". */
export function formatUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}
