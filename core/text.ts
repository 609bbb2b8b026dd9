// Checks on text that comes from outside (names, paths, descriptions) before it reaches a
// file name, a shell line or a log. Like all of core/, it imports nothing of the project.

/** True when the text holds a control character (newline, NUL, escape, DEL, …). */
export function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
