"""`python -m engine.plot RUN_DIR`: a run's loss curves. The code is engine/inspect/plot.py; this
module keeps the command short."""

from engine.inspect.plot import main

if __name__ == "__main__":
    raise SystemExit(main())
