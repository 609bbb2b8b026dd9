// Keyset positions as they travel in URLs: the position's values as base64url JSON. Opaque to
// clients (they pass back what a page gave them); the aggregate that decodes one checks its
// shape, so a forged or damaged cursor is refused before it reaches a query.

export function encodeCursor(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The values of a cursor, or undefined when the text is not base64url JSON of an array. */
export function cursorValues(text: string): unknown[] | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
