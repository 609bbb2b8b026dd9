// A series' INI never changes, so its parsed sweep is kept (a few dozen, least recently used).
import { parseSweep, type Sweep } from '../../sweep/index.ts';

const MAX_CACHED = 64;
const cache = new Map<string, Sweep>();

export function sweepOfSeries(seriesId: string, ini: string, maxTuples: number): Sweep {
  const key = `${seriesId}\0${ini.length}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const sweep = parseSweep(ini, { maxTuples });
  cache.set(key, sweep);
  if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value!);
  return sweep;
}
