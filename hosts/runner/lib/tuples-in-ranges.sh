# shellcheck shell=bash
# tuples_in_ranges RANGES <tuples.tsv: the lines `INDEX<TAB>DIR` whose index lies in RANGES,
# comma-separated `start-endExclusive` ranges (hosts/staging.ts formatRanges), in file order.
# The one range filter of the host scripts: the runner's chunk list, the SLURM submit's task
# list and collect's run directories.
tuples_in_ranges() {
  awk -F '\t' -v ranges="$1" '
    BEGIN { n = split(ranges, parts, ","); for (i = 1; i <= n; i++) { split(parts[i], ab, "-"); lo[i] = ab[1] + 0; hi[i] = ab[2] + 0 } }
    { k = $1 + 0; for (i = 1; i <= n; i++) if (k >= lo[i] && k < hi[i]) { print $1 "\t" $2; next } }
  '
}
