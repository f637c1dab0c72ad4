"""The command line: ``python -m valse run [--scenario FILE ...] [--only NAME ...] ...``.

Exit codes: 0 all went well (or everything was up to date), 1 a notebook failed (the others
still ran; a failed run never replaces good published results unless ``--publish-failed``),
2 invalid input or something in the way in the output folder (nothing ran, nothing under the
output folder changed), 3 another run holds the output folder's lock and ``--no-wait`` was
given.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, found {value}")
    return value


#: Longest notebook time limit accepted (one day): longer is no limit, and the watchdog's
#: timer cannot take infinity.
MAX_TIMEOUT_S = 86_400.0


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, found {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, found {text}")
    if not value <= MAX_TIMEOUT_S:
        raise argparse.ArgumentTypeError(
            f"expected at most {MAX_TIMEOUT_S:g} seconds (one day), found {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m valse",
        description="Run the valse notebooks for one or more scenarios and publish the results.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run",
        help="execute the notebooks, export HTML, publish OUT/<scenario> and OUT/index.html",
        description="Execute the notebooks for each scenario (up-to-date ones are skipped), "
        "export reader and full HTML pages and publish them atomically. Exit codes: 0 ok, "
        "1 a notebook failed, 2 invalid input or something in the way, 3 output folder "
        "locked by another run (--no-wait).",
    )
    run.add_argument("--scenario", nargs="+", metavar="FILE", action="extend", default=None,
                     help="scenario YAML files (default: DATA/scenarios/base.yaml); results go "
                     "under OUT/<file name without extension>")
    run.add_argument("--only", nargs="+", metavar="NAME", action="extend", default=None,
                     help="run only these notebooks (file names without .ipynb)")
    run.add_argument("--jobs", type=_positive_int, default=None,
                     help="notebooks executed in parallel (default: number of cores)")
    run.add_argument("--force", action="store_true",
                     help="execute every selected notebook even when it is up to date")
    run.add_argument("--out", type=Path, default=Path("outputs"),
                     help="output folder (default: outputs)")
    run.add_argument("--notebooks", type=Path, default=None,
                     help="folder of the notebook sources (default: the project's notebooks/)")
    run.add_argument("--data", type=Path, default=None,
                     help="data folder (default: the project's data/)")
    run.add_argument("--timeout", type=_positive_float, default=900.0, metavar="SECONDS",
                     help="execution time limit of one notebook (from its kernel's start), at "
                     "most 86400 (default: 900)")
    run.add_argument("--publish-failed", action="store_true",
                     help="publish a run with failed notebooks even over good published "
                     "results (by default it is kept in OUT/.failed/ and the good results stay)")
    run.add_argument("--no-wait", action="store_true",
                     help="when another run is writing to the output folder, exit at once "
                     "with code 3 instead of waiting for it")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        from valse.data import paths

        data = (args.data or paths.data_dir()).absolute()
        args.only = [n.removesuffix(".ipynb") for n in (args.only or [])]
        args.scenarios = [Path(s) for s in (args.scenario or [data / "scenarios" / "base.yaml"])]
        args.notebooks = (args.notebooks or paths.notebooks_dir()).absolute()
        args.data, args.out = data, args.out.absolute()
        if not args.force:  # a stamp answers a run with nothing to do (valse.run.noop)
            from valse.run import noop

            names = noop.up_to_date(noop.options_of(args))
            if names is not None:
                print(noop.nothing_to_do(names), file=sys.stderr)
                return 0
        from valse.run.main import run
        from valse.run.plan import Options, default_jobs

        opts = Options(
            scenarios=args.scenarios,
            only=args.only,
            jobs=args.jobs or default_jobs(),
            force=args.force,
            out=args.out,
            notebooks=args.notebooks,
            data=data,
            timeout=args.timeout,
            publish_failed=args.publish_failed,
            wait=not args.no_wait,
        )
        return run(opts)
    return 2  # pragma: no cover - argparse requires a command


if __name__ == "__main__":
    sys.exit(main())
