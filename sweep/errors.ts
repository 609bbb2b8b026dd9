// Errors of the sweep language: typed by `code`, located by line (and column where it helps),
// worded for the researcher who wrote the INI file, not for the programmer.

export type SweepErrorCode =
  | 'malformed_section'
  | 'empty_section_name'
  | 'empty_key'
  | 'duplicate_key'
  | 'duplicate_name'
  | 'unterminated_quote'
  | 'text_after_quote'
  | 'bad_range'
  | 'zero_step'
  | 'empty_range'
  | 'duplicate_value'
  | 'too_many_values'
  | 'too_many_tuples'
  | 'index_out_of_range'
  // Directives (`#@link`, `#@exclude`):
  | 'bad_rule'
  | 'bad_link'
  | 'link_mismatch'
  | 'unknown_parameter'
  | 'ambiguous_parameter'
  | 'not_a_number'
  | 'too_many_combinations'
  | 'everything_excluded';

export interface SweepErrorJSON {
  code: SweepErrorCode;
  message: string;
  line?: number;
  column?: number;
}

export class SweepError extends Error {
  override name = 'SweepError';
  /** Marks the error as the user's input to fix (the CLI exits 2, the API answers 400). */
  readonly inputError = true;
  readonly code: SweepErrorCode;
  readonly line?: number;
  readonly column?: number;

  constructor(code: SweepErrorCode, detail: string, where: { line?: number; column?: number } = {}) {
    super(where.line === undefined ? detail : `line ${where.line}: ${detail}`);
    this.code = code;
    if (where.line !== undefined) this.line = where.line;
    if (where.column !== undefined) this.column = where.column;
  }

  toJSON(): SweepErrorJSON {
    return formatSweepError(this);
  }
}

/** The error as plain data, e.g. for the HTTP API's `{error: {code, message, line, column}}`. */
export function formatSweepError(error: SweepError): SweepErrorJSON {
  const json: SweepErrorJSON = { code: error.code, message: error.message };
  if (error.line !== undefined) json.line = error.line;
  if (error.column !== undefined) json.column = error.column;
  return json;
}

/** Shortens user text quoted in a message so a garbled line cannot flood the output. */
export function excerpt(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
