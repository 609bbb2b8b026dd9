# shellcheck shell=bash
# Admission by load (docs/quotas.md): a runner starts a run only while the host is below the
# thresholds an admin set for it. They live in the pool's file POOL_DIR/admission, one line
# `LOAD_PER_CORE_HUNDREDTHS MIN_FREE_MEMORY_BYTES MIN_FREE_GPU_MEMORY_BYTES SET_AT`, `-` for
# a threshold not set (hosts/admission.ts); `start` and every poll write it when theirs is
# newer (SET_AT, the host's change in ms), so a changed threshold reaches runners that already
# wait with the next series started or polled with it. No file: every run is admitted.
# Also sourced by the poll (hosts/scan.ts), for admission_store.
# Measured on the host: /proc/loadavg over the cores, MemAvailable of /proc/meminfo, and
# nvidia-smi's free memory of the run's GPU. Reading the two /proc files costs no process;
# nvidia-smi runs only when its threshold is set.

ADMISSION_CORES=

# admission_store POOL_DIR LINE: writes LINE to the pool's admission file unless the file is
# as new already (costs no process then).
admission_store() {
  local ours theirs=''
  ours=${2##* }
  [[ $ours =~ ^[0-9]+$ ]] || return 0
  [[ -f $1/admission ]] && read -r _ _ _ theirs _ <"$1/admission"
  [[ $theirs =~ ^[0-9]+$ ]] && ((theirs >= ours)) && return 0
  mkdir -p "$1" 2>/dev/null && printf '%s\n' "$2" >"$1/admission.tmp.$$" && mv -f "$1/admission.tmp.$$" "$1/admission"
}

# admission_over GPU: true when the host is at or above a threshold; REPLY says which and by
# how much. GPU is the run's GPU index, or empty.
admission_over() {
  local load mem gpu_mem line k v _ free l100 cores
  REPLY=
  [[ -f $POOL_DIR/admission ]] || return 1
  read -r load mem gpu_mem _ <"$POOL_DIR/admission" || return 1
  if [[ $load =~ ^[0-9]+$ ]]; then
    [[ -n $ADMISSION_CORES ]] || ADMISSION_CORES=$(nproc 2>/dev/null || echo 1)
    cores=$ADMISSION_CORES
    read -r line _ </proc/loadavg
    # The load with two decimals, as hundredths: bash has integers only.
    l100=${line/./}
    l100=$((10#$l100))
    if ((l100 >= load * cores)); then
      REPLY="the host's 1-minute load average $line on $cores cores is not below admission.maxLoadPerCore $((load / 100)).$(printf '%02d' $((load % 100))) per core"
      return 0
    fi
  fi
  if [[ $mem =~ ^[0-9]+$ ]]; then
    free=
    while read -r k v _; do
      if [[ $k == MemAvailable: ]]; then
        free=$((v * 1024))
        break
      fi
    done </proc/meminfo
    if [[ -n $free ]] && ((free < mem)); then
      REPLY="the host's available memory, $free bytes, is below admission.minFreeMemoryBytes $mem"
      return 0
    fi
  fi
  if [[ $gpu_mem =~ ^[0-9]+$ ]] && command -v nvidia-smi >/dev/null; then
    # MiB per GPU, one line each in index order; the run's GPU, or any GPU on a host
    # whose runs get none.
    local i=0 mib
    while read -r mib; do
      if [[ -z $1 || $1 == "$i" ]] && [[ $mib =~ ^[0-9]+$ ]] && ((mib * 1048576 < gpu_mem)); then
        REPLY="GPU $i has $((mib * 1048576)) bytes free, below admission.minFreeGpuMemoryBytes $gpu_mem"
        return 0
      fi
      i=$((i + 1))
    done < <(nvidia-smi --query-gpu=memory.free --format=csv,noheader,nounits 2>/dev/null)
  fi
  return 1
}

# admission_wait GPU WAITFILE: returns once the host is below every threshold. Meanwhile
# WAITFILE holds the reason (the poll's scan reports it as the series' waitReason); it goes
# when the run is admitted. Checked again every ADMISSION_EVERY seconds (default 2).
admission_wait() {
  admission_over "$1" || return 0
  while :; do
    # The file says which rule holds the series (a quota's runner writes its own there).
    printf 'admission: %s\n' "$REPLY" >"$2.tmp.$BASHPID" && mv -f "$2.tmp.$BASHPID" "$2"
    sleep "${ADMISSION_EVERY:-2}"
    admission_over "$1" || break
  done
  rm -f "$2"
}
