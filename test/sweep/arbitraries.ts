// Random sweeps for property tests: a model of an INI file (sections, keys, tokens, spacing,
// comments, line endings) printed to text, with the values each key must yield computed here,
// independently of sweep/.
import fc from 'fast-check';

export type TokenModel =
  | { kind: 'word'; text: string }
  | { kind: 'quoted'; text: string }
  | { kind: 'range'; start: number; step: number; count: number; offGrid: number; decimals: number };

export interface KeyModel {
  key: string;
  tokens: TokenModel[];
  leading: string;
  beforeEq: string;
  afterEq: string;
  separators: string[];
  comment: string;
}

export interface SectionModel {
  name: string | null;
  header: string;
  keys: KeyModel[];
}

export interface SweepModel {
  bom: boolean;
  eol: '\n' | '\r\n';
  sections: SectionModel[];
  /** Blank and comment lines inserted before each key line (cycled). */
  fillers: string[];
}

const ws = fc.constantFrom(' ', '  ', '\t', ' \t');
const optionalWs = fc.constantFrom('', ' ', '\t');
const plainChars = 'abcdefghijklmnopqrstuvwxyz0123456789_-';
const plainWord = fc.string({ unit: fc.constantFrom(...plainChars), minLength: 1, maxLength: 6 });
/** Quoted text may hold spaces and comment marks, never a quote. */
const quotedText = fc.string({ unit: fc.constantFrom(...`${plainChars} ;#=.`), maxLength: 8 });

const rangeToken = fc.record({
  kind: fc.constant('range' as const),
  start: fc.integer({ min: -50, max: 50 }),
  step: fc.integer({ min: 1, max: 20 }).chain((s) => fc.constantFrom(s, -s)),
  count: fc.integer({ min: 1, max: 4 }),
  offGrid: fc.nat(),
  decimals: fc.integer({ min: 0, max: 3 }),
});

/** Values of one key are distinct: words start with w, quoted strings with q, and at most one range gives numbers. */
const keyTokens: fc.Arbitrary<TokenModel[]> = fc
  .tuple(
    fc.uniqueArray(
      fc.oneof(
        plainWord,
        quotedText.map((t) => `"${t}`),
      ),
      { maxLength: 3 },
    ),
    fc.option(rangeToken, { freq: 2 }),
    fc.nat(),
  )
  .map(([texts, range, at]) => {
    const tokens: TokenModel[] = texts.map((t) =>
      t.startsWith('"') ? { kind: 'quoted', text: `q${t.slice(1)}` } : { kind: 'word', text: `w${t}` },
    );
    if (range) tokens.splice(at % (tokens.length + 1), 0, range);
    return tokens;
  });

const comment = fc.oneof(
  fc.constant(''),
  fc.tuple(ws, fc.constantFrom(';', '#'), quotedText).map(([w, m, t]) => `${w}${m}${t}`),
);

const keyName = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'abcdefghij_'), minLength: 1, maxLength: 5 }),
  fc.tuple(plainWord, fc.constantFrom('.', ' '), plainWord).map(([a, s, b]) => `k${a}${s}${b}`),
);

const keyModel = (key: string): fc.Arbitrary<KeyModel> =>
  fc.record({
    key: fc.constant(key),
    tokens: keyTokens,
    leading: optionalWs,
    beforeEq: optionalWs,
    afterEq: optionalWs,
    separators: fc.array(ws, { minLength: 4, maxLength: 4 }),
    comment,
  });

const keysOf = fc.uniqueArray(keyName, { maxLength: 4 }).chain((names) => fc.tuple(...names.map(keyModel)));

export const sweepModel: fc.Arbitrary<SweepModel> = fc.record({
  bom: fc.boolean(),
  eol: fc.constantFrom('\n' as const, '\r\n' as const),
  sections: fc
    .tuple(
      keysOf,
      fc.uniqueArray(fc.string({ unit: fc.constantFrom(...'ABCDEF'), minLength: 1, maxLength: 3 }), {
        maxLength: 3,
      }),
    )
    .chain(([globals, names]) =>
      fc.tuple(
        fc.constant<SectionModel>({ name: null, header: '', keys: globals }),
        ...names.map((name) =>
          fc.record({
            name: fc.constant<string | null>(name),
            header: fc.tuple(optionalWs, comment).map(([w, c]) => `${w}[${name}]${c}`),
            keys: keysOf,
          }),
        ),
      ),
    ),
  fillers: fc.array(fc.constantFrom('', '; a comment', '# x = 1 2', '   ', '\t; indented'), { maxLength: 3 }),
});

export function formatUnits(units: number, decimals: number): string {
  return (units / 10 ** decimals).toFixed(decimals);
}

/** The values a token must yield. */
export function tokenValues(token: TokenModel): string[] {
  if (token.kind !== 'range') return [token.text];
  return Array.from({ length: token.count }, (_, k) =>
    formatUnits(token.start + k * token.step, token.decimals),
  );
}

function tokenText(token: TokenModel): string {
  if (token.kind === 'word') return token.text;
  if (token.kind === 'quoted') return `"${token.text}"`;
  const last = token.start + (token.count - 1) * token.step;
  // An end past the last grid point (by less than a step) must not add a value.
  const end = last + Math.sign(token.step) * (token.offGrid % Math.abs(token.step));
  const f = (units: number) => formatUnits(units, token.decimals);
  return `${f(token.start)}...${f(token.step)}...${f(end)}`;
}

export interface ExpectedKey {
  name: string;
  tokens: TokenModel[];
  values: string[];
  line: number;
}

/** How a rendered config writes a value: quoted tokens keep their quotes, range values are written out. */
export function writtenAs(tokens: readonly TokenModel[], value: string): string {
  return tokens.some((t) => t.kind === 'quoted' && t.text === value) ? `"${value}"` : value;
}

/**
 * The INI text of a model and, per key in file order, the values it must yield. With `chosen`
 * (key name → value), the text a rendered tuple must be: those keys' values replaced.
 */
export function printModel(
  model: SweepModel,
  chosen: Record<string, string> = {},
): { text: string; keys: ExpectedKey[] } {
  const lines: string[] = [];
  const keys: ExpectedKey[] = [];
  let filler = 0;
  const nextFiller = () => {
    if (model.fillers.length === 0) return;
    const line = model.fillers[filler++ % model.fillers.length]!;
    if (filler % 2 === 1) lines.push(line);
  };
  for (const section of model.sections) {
    if (section.name !== null) lines.push(section.header);
    for (const key of section.keys) {
      nextFiller();
      const name = section.name === null ? key.key : `${section.name}.${key.key}`;
      const pick = chosen[name];
      const value =
        pick === undefined
          ? key.tokens.map((t, i) => (i === 0 ? '' : key.separators[i % 4]) + tokenText(t)).join('')
          : writtenAs(key.tokens, pick);
      // A comment needs whitespace before it; after an empty value the `= ` spacing provides none.
      const gap = key.tokens.length === 0 && key.afterEq === '' && key.comment !== '' ? ' ' : '';
      lines.push(`${key.leading}${key.key}${key.beforeEq}=${key.afterEq}${value}${gap}${key.comment}`);
      keys.push({
        name,
        tokens: key.tokens,
        values: key.tokens.flatMap(tokenValues),
        line: lines.length,
      });
    }
  }
  return { text: (model.bom ? '\ufeff' : '') + lines.join(model.eol) + model.eol, keys };
}
