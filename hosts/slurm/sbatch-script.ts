// The job script of one chunk: a SLURM job array whose task i runs line i+1 of the chunk's
// list (`index<TAB>dir`, written next to it at submit time). Pure: the same input gives the
// same text (checked against golden files). No parameter value is ever part of the script;
// the run directory is read from the list at run time and only ever used quoted.
import type { ChunkSpec, HostSpec, Resources, SeriesSpec } from '../executor.ts';
import { HostInputError } from '../errors.ts';
import { extraDirectiveLine } from './directives.ts';
import { isSafeComponent, safeRelativePath } from '../paths.ts';
import { adminEnvironment, envAssignments, keepEnvironmentShell } from '../runner/environment.ts';
import { quoteArg } from '../shell.ts';
import { priorityDirectives } from './share.ts';

export interface SbatchScriptInput {
  series: Pick<SeriesSpec, 'seriesId' | 'configFile' | 'resources' | 'env' | 'fairShare'>;
  chunk: Pick<ChunkSpec, 'chunkIndex' | 'attempt'>;
  /** Array tasks: how many runs the chunk's list holds. */
  size: number;
  host: Pick<HostSpec, 'partition' | 'arrayThrottle' | 'env'> & { name?: string };
}

/** The job name every job of a series carries (how squeue and scancel find them). */
export function jobName(seriesId: string): string {
  return `tuplet-${seriesId}`;
}

/** The job comment naming the chunk and attempt (how a lost sbatch answer is found again). */
export function chunkComment(seriesId: string, chunk: Pick<ChunkSpec, 'chunkIndex' | 'attempt'>): string {
  return `tuplet:${seriesId}:${chunk.chunkIndex}:${chunk.attempt}`;
}

/** Directory, relative to the series directory, of the SLURM files of every chunk. */
export const SLURM_DIR = '.tuplet/slurm';

/** `chunk-<k>.a<attempt>`: the stem of a chunk attempt's files in SLURM_DIR. */
export function chunkKey(chunk: Pick<ChunkSpec, 'chunkIndex' | 'attempt'>): string {
  return `chunk-${chunk.chunkIndex}.a${chunk.attempt}`;
}

const PARTITION = /^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$/;
const NAME = /^[A-Za-z0-9_.-]+$/;
/** minutes | M:S | H:M:S | D-H | D-H:M | D-H:M:S, or UNLIMITED/INFINITE */
const TIME = /^(\d+|\d+:\d+|\d+:\d+:\d+|\d+-\d+|\d+-\d+:\d+|\d+-\d+:\d+:\d+|UNLIMITED|INFINITE)$/i;
const MEMORY = /^\d+[KMGT]?$/i;

/** The `#SBATCH` directives of the resources (without the ones fixing name, array, output). */
export function resourceDirectives(resources: Resources, host: Pick<HostSpec, 'partition'>): string[] {
  const lines: string[] = [];
  const partition = resources.partition ?? host.partition;
  if (partition !== undefined && partition !== '') {
    if (!PARTITION.test(partition))
      throw new HostInputError(`invalid partition ${JSON.stringify(partition)}`);
    lines.push(`--partition=${partition}`);
  }
  if (resources.time !== undefined && resources.time !== '') {
    if (!TIME.test(resources.time))
      throw new HostInputError(`invalid time limit ${JSON.stringify(resources.time)}`);
    lines.push(`--time=${resources.time}`);
  }
  if (resources.cpus !== undefined) {
    if (!Number.isInteger(resources.cpus) || resources.cpus < 1) {
      throw new HostInputError(`cpus must be a positive integer, got ${resources.cpus}`);
    }
    lines.push(`--cpus-per-task=${resources.cpus}`);
  }
  if (resources.memory !== undefined && resources.memory !== '') {
    if (!MEMORY.test(resources.memory))
      throw new HostInputError(`invalid memory ${JSON.stringify(resources.memory)}`);
    lines.push(`--mem=${resources.memory.toUpperCase()}`);
  }
  if (resources.gpus !== undefined && resources.gpus !== 0) {
    if (!Number.isInteger(resources.gpus) || resources.gpus < 0) {
      throw new HostInputError(`gpus must be a non-negative integer, got ${resources.gpus}`);
    }
    lines.push(`--gres=gpu:${resources.gpus}`);
  }
  for (const [option, value] of [
    ['account', resources.account],
    ['qos', resources.qos],
  ] as const) {
    if (value === undefined || value === '') continue;
    if (!NAME.test(value)) throw new HostInputError(`invalid ${option} ${JSON.stringify(value)}`);
    lines.push(`--${option}=${value}`);
  }
  // Checked again here: a series stored before the allowlist (or any path around the API) cannot inject.
  for (const extra of resources.extra ?? []) lines.push(extraDirectiveLine(extra));
  return lines;
}

/** The array specification `0-<n-1>[%throttle]`. */
export function arraySpec(size: number, throttle?: number): string {
  if (!Number.isInteger(size) || size < 1)
    throw new HostInputError(`an array needs at least one task, got ${size}`);
  return `0-${size - 1}${throttleSuffix(throttle)}`;
}

export function throttleSuffix(throttle?: number): string {
  if (throttle === undefined || throttle === 0) return '';
  if (!Number.isInteger(throttle) || throttle < 1)
    throw new HostInputError(`invalid array throttle ${throttle}`);
  return `%${throttle}`;
}

export function renderSbatchScript(input: SbatchScriptInput): string {
  const { series, chunk, size, host } = input;
  if (!isSafeComponent(series.seriesId)) throw new HostInputError(`invalid series id ${series.seriesId}`);
  const configFile = safeRelativePath(series.configFile);
  if (!configFile) throw new HostInputError(`invalid config file name ${JSON.stringify(series.configFile)}`);
  const key = chunkKey(chunk);
  const adminEnv = envAssignments(adminEnvironment(series, host)).map((pair) => `${quoteArg(pair)} `);
  const directives = [
    `--job-name=${jobName(series.seriesId)}`,
    `--comment=${chunkComment(series.seriesId, chunk)}`,
    `--array=${arraySpec(size, host.arrayThrottle)}`,
    `--output=${SLURM_DIR}/${key}.log`,
    '--open-mode=append',
    ...resourceDirectives(series.resources, host),
    ...priorityDirectives(series),
  ];
  return `#!/bin/bash
${directives.map((d) => `#SBATCH ${d}`).join('\n')}
# Generated by Tuplet for series ${series.seriesId}, chunk ${chunk.chunkIndex}, attempt ${chunk.attempt}.
# Array task i runs line i+1 of ${key}.tsv (index<TAB>dir); the files of each run are
# those of every Tuplet host: runs/<dir>/.tuplet/{attempt,started,stdout,stderr,ended,exit}.
set -u
series_dir=$SLURM_SUBMIT_DIR
list=$series_dir/${SLURM_DIR}/${key}.tsv
# Builtins where they do: thousands of tasks each save the forks.
mapfile -t -s "$SLURM_ARRAY_TASK_ID" -n 1 found <"$list"
line=\${found[0]:-}
index=\${line%%$'\\t'*}
dir=\${line#*$'\\t'}
case $dir in
  "$line" | "" | /* | .. | ../* | */.. | */../*)
    echo "tuplet: task $SLURM_ARRAY_TASK_ID has no usable line in $list" >&2
    exit 3
    ;;
esac
run=$series_dir/runs/$dir
meta=$run/.tuplet
# (submit made every run's .tuplet/; a task makes its own only when that is gone.)
{ [[ -d $meta ]] || mkdir -p "$meta"; } && cd "$run" || exit 3
# A requeued task or a rerun starts clean: results of earlier attempts go first.
if [[ -e $meta/exit || -e $meta/ended || -e $meta/reason ]]; then rm -f "$meta/exit" "$meta/ended" "$meta/reason"; fi
printf '%s\\n' ${chunk.attempt} >"$meta/attempt"
printf '%(%s)T\\n' -1 >"$meta/started"
# The scheduler ends a task with TERM (cancel, time limit, preemption): such a run gets no
# exit file, and the scheduler's record says why it ended.
stopped=
trap 'stopped=1' TERM
# The command goes to \`bash -c\`, which execs a simple command in place: one process a run.
IFS= read -r -d '' command <"$series_dir/.tuplet/command.sh" || [[ -n \${command:-} ]] || {
  echo "tuplet: cannot read $series_dir/.tuplet/command.sh" >&2
  exit 3
}
# The run's environment, rebuilt: the allowlist, the scheduler's SLURM_* variables and GPUs,
# what an admin set, the run's TUPLET_*; nothing else the job inherited from its submitter.
# (Not --export=NONE: it makes every array task load the login environment, a login shell
# per task.) Steps (srun) inherit all of the run's.
${keepEnvironmentShell({ names: ['CUDA_VISIBLE_DEVICES'], prefixes: ['SLURM_'] })}
# A declared input (sweep/render/): TUPLET_P_* variables, and for \`args\` the command's extra
# arguments, as NUL-terminated elements, never code; only TUPLET_P_* names are kept.
penv=() args=()
if [[ -f $meta/env ]]; then
  while IFS= read -r -d '' kv; do [[ $kv =~ ^TUPLET_P_[A-Z0-9_]+= ]] && penv+=("$kv"); done <"$meta/env"
fi
if [[ -f $meta/argv ]]; then
  while IFS= read -r -d '' kv; do args+=("$kv"); done <"$meta/argv"
  while [[ $command == *$'\\n' ]]; do command=\${command%$'\\n'}; done
  command+=' "$@"'
fi
env -i "\${keep[@]}" SLURM_EXPORT_ENV=ALL ${adminEnv.join('')}\\
  \${penv[@]+"\${penv[@]}"} TUPLET_SERIES=${series.seriesId} "TUPLET_INDEX=$index" "TUPLET_DIR=$run" "TUPLET_CONFIG=$run/"${quoteArg(configFile)} \\
  bash -c "$command" tuplet-run \${args[@]+"\${args[@]}"} </dev/null >"$meta/stdout" 2>"$meta/stderr"
code=$?
printf '%(%s)T\\n' -1 >"$meta/ended"
[[ -z $stopped ]] || exit "$code"
# The exit file comes last: its presence means the run is over. One small write, no rename
# (a process per task): a poll that reads it empty in the instant after its creation
# reads it again, as the run's directory changed within the scan's overlap.
printf '%s\\n' "$code" >"$meta/exit"
exit "$code"
`;
}
