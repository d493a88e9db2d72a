"""`python -m engine.inspect SOURCE`: the memory X-ray of engine/inspect/xray.py."""

from engine.inspect.xray import main

raise SystemExit(main())
