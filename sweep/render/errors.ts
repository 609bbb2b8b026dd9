// Errors of rendering a sweep into an application's input format: the sweep line (or the
// template's line) they are about, worded for the person who wrote the file.

export class InputFormatError extends Error {
  override name = 'InputFormatError';
  /** The user's input to fix: the API answers 422 naming `field`. */
  readonly inputError = true;
  /** The sweep file's line, when the error is about one of its keys. */
  readonly line?: number;
  /** The template's line, when the error is about a placeholder. */
  readonly templateLine?: number;

  constructor(detail: string, where: { line?: number; templateLine?: number; template?: string } = {}) {
    const at =
      where.templateLine !== undefined
        ? `${where.template ?? 'template'} line ${where.templateLine}: `
        : where.line !== undefined
          ? `line ${where.line}: `
          : '';
    super(`${at}${detail}`);
    if (where.line !== undefined) this.line = where.line;
    if (where.templateLine !== undefined) this.templateLine = where.templateLine;
  }
}
