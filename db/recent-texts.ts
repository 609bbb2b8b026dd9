// Texts kept in memory by key, bounded by their total length: the least recently used go first.
// For answers that never change under their key (a finished series' kept aggregate at its
// version), so a repeated request need not read them from the database again.

export class RecentTexts {
  /** Insertion order is use order: the first entry is the least recently used. */
  private readonly texts = new Map<string, string>();
  private chars = 0;

  constructor(private readonly maxChars: number) {}

  get(key: string): string | undefined {
    const text = this.texts.get(key);
    if (text === undefined) return undefined;
    this.texts.delete(key);
    this.texts.set(key, text);
    return text;
  }

  /** Keeps `text` under `key` (a text longer than the bound is not kept at all). */
  set(key: string, text: string): void {
    const old = this.texts.get(key);
    if (old !== undefined) {
      this.texts.delete(key);
      this.chars -= old.length;
    }
    if (text.length > this.maxChars) return;
    this.texts.set(key, text);
    this.chars += text.length;
    for (const [oldest, evicted] of this.texts) {
      if (this.chars <= this.maxChars) break;
      this.texts.delete(oldest);
      this.chars -= evicted.length;
    }
  }

  /** Characters kept, for tests and the bound's check. */
  get size(): number {
    return this.chars;
  }
}
