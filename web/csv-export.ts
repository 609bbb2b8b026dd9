// One CSV line (RFC 4180): fields with a comma, quote or line break are quoted.
//
// Cells come from what members and runs wrote (parameter values, metrics.json), and a
// spreadsheet opening the export runs a cell that starts with `=`, `+`, `-` or `@` as a
// formula (`=HYPERLINK(…)`, DDE payloads), as it does after a leading tab or carriage return.
// Such cells get a leading `'`, which spreadsheets read as "this is text" (OWASP, CSV
// injection). Plain numbers are left as they are, so `-1.5` or `+2e-3` stay numbers in the
// sheet: a number cannot hold a formula.

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The text of a cell as a spreadsheet will read it as data, never as a formula. */
export function neutralised(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = neutralised(
    typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value),
  );
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}
