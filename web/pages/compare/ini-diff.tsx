// The INI diff of two series, one line a span coloured by its kind (added, removed, hunk header,
// file header); the sign at the start of each line says the same without colour.
import type { IniDiff } from '../../../api/series/sweep-diff.ts';

function lineClass(line: string): string {
  if (line.startsWith('+++ ') || line.startsWith('--- ')) return 'diff-file';
  if (line.startsWith('@@')) return 'diff-hunk';
  if (line.startsWith('+')) return 'diff-add';
  if (line.startsWith('-')) return 'diff-del';
  return 'diff-same';
}

export function IniDiffView(props: { diff: IniDiff }) {
  const { diff } = props;
  if (diff.tooDifferent)
    return <p class="muted">The two INI templates differ in too many lines to show as a diff.</p>;
  if (diff.lines.length === 0) return <p class="muted">The two INI templates are identical.</p>;
  return (
    <pre class="ini-diff" id="ini-diff">
      {diff.lines.map((line) => (
        <span class={lineClass(line)}>{`${line}\n`}</span>
      ))}
    </pre>
  );
}
