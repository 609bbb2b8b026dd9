// The series-directory steps runner hosts and SLURM take the same way, over their transport:
// staging the series and a chunk, and the setup run once (where submission happens on SLURM).
import type { ChunkSpec, HostSpec, SeriesSpec, StepOptions } from './executor.ts';
import type { PackageLimits } from './package.ts';
import { runInputOf } from './run-input.ts';
import { adminEnvironment } from './runner/environment.ts';
import { checkedConfigFile, runSetupOnce, stageChunk, stageSeries } from './staging.ts';
import type { Transport } from './transport.ts';
import type { Sweep } from '../sweep/index.ts';

/**
 * The steps both kinds of executor take in the series directory over their transport; a
 * subclass says where the directory is and how it expands the sweep.
 */
export abstract class SeriesDirSteps {
  abstract readonly host: HostSpec;
  protected abstract readonly transport: Transport;
  protected abstract readonly options: { packageLimits?: PackageLimits | undefined };
  /** `<workdir>/<seriesId>` on the host. */
  protected abstract seriesDirFor(series: Pick<SeriesSpec, 'seriesId'>): string;
  protected abstract sweepFor(series: SeriesSpec): Sweep;

  /** Creates the series directory, unpacks the package and writes `tuples.tsv`. */
  async stageSeries(series: SeriesSpec, { signal }: StepOptions = {}): Promise<{ seriesDir: string }> {
    const seriesDir = this.seriesDirFor(series);
    checkedConfigFile(series.configFile);
    const { packageLimits } = this.options;
    await stageSeries(this.transport, seriesDir, series, this.sweepFor(series), {
      ...(packageLimits ? { packageLimits } : {}),
      signal,
    });
    return { seriesDir };
  }

  /** Writes the chunk's config files (and run inputs read from the package) as one tar stream. */
  async stageChunk(series: SeriesSpec, chunk: ChunkSpec, { signal }: StepOptions = {}): Promise<void> {
    const sweep = this.sweepFor(series);
    await stageChunk(this.transport, this.seriesDirFor(series), sweep, series.configFile, chunk, {
      input: await runInputOf(series, sweep, this.options.packageLimits),
      signal,
      datasets: series.datasets,
    });
  }

  /**
   * Runs the series' setup once in its directory (on SLURM: the login node, not as a job); a
   * setup that already succeeded is not run again.
   */
  async setup(
    series: SeriesSpec,
    { signal }: StepOptions = {},
  ): Promise<{ exitCode: number; outputTail: string }> {
    if (!series.setup) return { exitCode: 0, outputTail: '' };
    return runSetupOnce(
      this.transport,
      this.seriesDirFor(series),
      adminEnvironment(series, this.host),
      signal,
    );
  }
}
