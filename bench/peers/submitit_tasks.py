"""N trivial tasks through submitit on SLURM, for `npm run bench -- peers`.

Usage: submitit_tasks.py --mode default|fastest --tasks N --folder DIR --markers DIR

Each task touches DIR/<i> (its mtime is when the task's work was done). Prints one JSON line
when every task's result is known to this process: {"known_at": epoch seconds, ...}.
"""

import argparse
import json
import pathlib
import time

import submitit
import submitit.helpers


def touch(path: str) -> None:
    pathlib.Path(path).touch()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["default", "fastest"], required=True)
    parser.add_argument("--tasks", type=int, required=True)
    parser.add_argument("--folder", required=True)
    parser.add_argument("--markers", required=True)
    args = parser.parse_args()
    paths = [f"{args.markers}/{i}" for i in range(args.tasks)]
    executor = submitit.AutoExecutor(folder=args.folder, cluster="slurm")
    if args.mode == "default":
        # The README's first example: one submit (one sbatch) per task, then each result().
        jobs = [executor.submit(touch, path) for path in paths]
        for job in jobs:
            job.result()
    else:
        # Job arrays (one sbatch for all), every task at once, python run directly in the
        # batch script instead of through srun, and a 0.1 s poll of the result files.
        executor.update_parameters(slurm_array_parallelism=args.tasks, slurm_use_srun=False)
        jobs = executor.map_array(touch, paths)
        for job in submitit.helpers.as_completed(jobs, poll_frequency=0.1):
            job.result()
    known_at = time.time()
    print(json.dumps({"known_at": known_at, "sbatch_calls": len({j.job_id.split("_")[0] for j in jobs})}))


if __name__ == "__main__":
    main()
