// Beside the INI editor: what each parameter of the chosen application means (description,
// unit, allowed values), from its parameter schema. One block per application that has a
// schema; new-series.js shows the chosen application's.
import { ParameterTable } from '../parameter-schema.tsx';
import type { ApplicationChoice } from './types.ts';

export function SchemaGuide(props: { applications: ApplicationChoice[]; chosen: string | undefined }) {
  const chosen = props.chosen ?? props.applications[0]?.name;
  return (
    <div id="schema-guide">
      {props.applications
        .filter((a) => a.parameters.length > 0)
        .map((a) => (
          <div data-schema-for={a.name} hidden={a.name !== chosen}>
            <h3>Parameters of {a.name}</h3>
            <ParameterTable parameters={a.parameters} />
          </div>
        ))}
    </div>
  );
}
