// Resources per run; fields marked data-for show only for the hosts they apply to.
import type { Resources } from '../../../hosts/executor.ts';
import { allowedExtraOptions } from '../../../hosts/slurm/directives.ts';
import { ChoiceSelect } from './choice-select.tsx';
import type { HostChoice } from './types.ts';

export function ResourceFields(props: { resources: Resources; host: HostChoice | undefined }) {
  const { resources: r, host: chosenHost } = props;
  return (
    <>
      <h3>Resources per run</h3>
      <div class="grid3" id="resources">
        <div data-for="slurm">
          <label for="partition">Partition</label>
          <input id="partition" name="resources.partition" value={r.partition ?? ''} />
        </div>
        <div data-for="slurm">
          <label for="time">
            Time limit <span class="hint">HH:MM:SS</span>
          </label>
          <input id="time" name="resources.time" value={r.time ?? ''} placeholder="01:00:00" />
        </div>
        <div>
          <label for="cpus">CPUs</label>
          <input id="cpus" name="resources.cpus" type="number" min="1" data-type="int" value={r.cpus ?? ''} />
        </div>
        <div data-for="gpus">
          <label for="gpus">GPUs</label>
          <input id="gpus" name="resources.gpus" type="number" min="0" data-type="int" value={r.gpus ?? ''} />
        </div>
        <div data-for="slurm">
          <label for="memory">
            Memory <span class="hint">e.g. 4G</span>
          </label>
          <input id="memory" name="resources.memory" value={r.memory ?? ''} />
        </div>
        <ChoiceSelect id="account" label="Account" chosen={r.account} offered={chosenHost?.accounts} />
        <ChoiceSelect id="qos" label="QOS" chosen={r.qos} offered={chosenHost?.qos} />
      </div>
      <div data-for="slurm" style="margin-top:0.6rem">
        <label for="extra">
          Extra directives{' '}
          <span class="hint">one per line: {allowedExtraOptions()}, e.g. --constraint=v100</span>
        </label>
        <textarea id="extra" name="resources.extra" data-type="lines" rows={2} class="code">
          {(r.extra ?? []).join('\n')}
        </textarea>
      </div>
    </>
  );
}
