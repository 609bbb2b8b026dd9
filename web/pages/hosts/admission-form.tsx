// Admission by load (core/admission.ts, docs/quotas.md): a local or ssh host starts runs only
// while it is below the thresholds an admin sets here. hosts.js sends them (memory in MiB on the
// form, bytes in the API) and shows a refusal next to the field it names.
import type { AdmissionThresholds, HostRow } from '../../../db/hosts.ts';

const MIB = 1024 * 1024;

const toMib = (bytes: number | undefined) => (bytes === undefined ? '' : String(bytes / MIB));

export function AdmissionForm(props: { host: HostRow }) {
  const { host: h } = props;
  const a: AdmissionThresholds = h.admission ?? {};
  const id = (field: string) => `host-${h.name}-admission-${field}`;
  const field = (
    name: keyof AdmissionThresholds,
    label: string,
    hint: string,
    value: string,
    scale?: number,
  ) => (
    <div>
      <label for={id(name)}>
        {label} <span class="hint">{hint}</span>
      </label>
      <input
        id={id(name)}
        name={name}
        type="number"
        step="any"
        value={value}
        data-scale={scale ? String(scale) : undefined}
        aria-describedby={`${id('error')}`}
      />
    </div>
  );
  return (
    <form class="grid3 admission" data-admission={h.name} novalidate>
      <div style="grid-column:1/-1">
        <h3 style="margin-bottom:0.2rem">Admission by load</h3>
        <p class="small muted" style="margin-top:0">
          Runs start only while the host is below these thresholds, measured with each poll; an empty field is
          not checked. Empty them all to admit by slots alone.
        </p>
      </div>
      {field(
        'maxLoadPerCore',
        'Max load per core',
        '1-minute load average ÷ cores, e.g. 0.9',
        a.maxLoadPerCore === undefined ? '' : String(a.maxLoadPerCore),
      )}
      {field('minFreeMemoryBytes', 'Min free memory', 'MiB', toMib(a.minFreeMemoryBytes), MIB)}
      {field(
        'minFreeGpuMemoryBytes',
        'Min free GPU memory',
        'MiB, per GPU (nvidia-smi)',
        toMib(a.minFreeGpuMemoryBytes),
        MIB,
      )}
      <p class="error" id={id('error')} data-form-error hidden style="grid-column:1/-1"></p>
      <div>
        <button type="submit">Save thresholds</button>
      </div>
    </form>
  );
}

/** The thresholds as the host's facts show them. */
export function admissionSummary(a: AdmissionThresholds | null): string | null {
  if (!a) return null;
  const parts = [
    a.maxLoadPerCore !== undefined ? `load per core below ${a.maxLoadPerCore}` : null,
    a.minFreeMemoryBytes !== undefined ? `at least ${toMib(a.minFreeMemoryBytes)} MiB free memory` : null,
    a.minFreeGpuMemoryBytes !== undefined
      ? `at least ${toMib(a.minFreeGpuMemoryBytes)} MiB free per GPU`
      : null,
  ].filter((part) => part !== null);
  return parts.length > 0 ? parts.join(', ') : null;
}
