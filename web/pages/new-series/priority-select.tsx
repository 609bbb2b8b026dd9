// The series' priority among the user's own series (docs/fair-share.md). `high` is offered only
// to admins and to members of a group an admin allowed highPriority; new-series.js keeps it
// enabled only while such a group is chosen. The API decides in the end, and the form shows its
// refusal.

/** Who may ask for `high`: every group (admins), or the names of the user's groups allowing it. */
export type HighPriorityGroups = 'any' | string[];

export function PrioritySelect(props: { high: HighPriorityGroups }) {
  const { high } = props;
  const offersHigh = high === 'any' || high.length > 0;
  return (
    <div>
      <label for="priority">
        Priority <span class="hint">orders your own series on a host</span>
      </label>
      <select id="priority" name="priority">
        <option value="low">low</option>
        <option value="normal" selected>
          normal
        </option>
        {offersHigh ? (
          <option value="high" data-groups={high === 'any' ? '' : JSON.stringify(high)}>
            high
          </option>
        ) : null}
      </select>
    </div>
  );
}
