// What a newcomer sees before any series exists: how to launch the example.
export function EmptyState() {
  return (
    <div class="card empty">
      <h2>No series yet</h2>
      <p>A series runs one program once for every combination of the values listed in an INI file.</p>
      <p>
        <a class="button" href="/series/new?example=1">
          Launch the example series
        </a>
      </p>
      <p class="muted small">
        It opens the form with an example INI file; choose the host, then Launch. From a terminal:
      </p>
      <pre>{'tuplet submit examples/sweep.ini --app example --host local --wait'}</pre>
    </div>
  );
}
