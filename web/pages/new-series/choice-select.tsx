/**
 * The account or QOS of a SLURM series: only what the host allows the signed-in user
 * (new-series.js refills it from the chosen host's `data-accounts` / `data-qos`).
 */
export function ChoiceSelect(props: {
  id: 'account' | 'qos';
  label: string;
  chosen?: string;
  offered?: string[];
}) {
  const offered = props.offered ?? [];
  return (
    <div data-for="slurm" data-choices={props.id} hidden={offered.length === 0}>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={`resources.${props.id}`} data-chosen={props.chosen ?? ''}>
        <option value="">the cluster's default</option>
        {offered.map((name) => (
          <option value={name} selected={props.chosen === name}>
            {name}
          </option>
        ))}
      </select>
    </div>
  );
}
