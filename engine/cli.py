"""What the command-line entry points share: turning a user's mistake into one clear line.

A bad config key, a missing checkpoint, a malformed dataset row or a NaN loss is the user's to
fix, so `train.py`, `eval.py` and the `python -m engine.*` tools print the message (which names
the file, key or row) and exit with status 2 instead of a stack trace. Bugs still raise. Under
torchrun, a rank that stops because rank 0 did (PeerError) exits with 2 and prints nothing more.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from engine.adapter import AdapterError
from engine.config import ConfigError, Range, range_error
from engine.distributed import PeerError
from engine.eval_files import EvalError
from engine.run_dir import RunDirError
from engine.sql.datasets import DataError
from engine.sql.schema import SchemaError
from engine.step import NonFiniteLossError
from engine.train_state import ResumeError
from models.config import ModelConfigError
from models.loader import CheckpointError
from models.tokenizer import TokenizerError

# The errors a user can act on: each message names what to fix (file, key, row, step).
USER_ERRORS = (ConfigError, ModelConfigError, CheckpointError, TokenizerError, DataError, SchemaError, AdapterError,
               NonFiniteLossError, ResumeError, RunDirError, EvalError, FileNotFoundError)


@contextlib.contextmanager
def user_errors(prog: str):
    """Run the body; a user-facing error becomes `prog: error: message` and exit status 2."""
    try:
        yield
    except PeerError:  # another rank stopped and printed why (engine/distributed.py)
        raise SystemExit(2) from None
    except USER_ERRORS as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        raise SystemExit(130) from None


def number_arg(valid: Range, kind: type = float):
    """An argparse `type=` for a numeric flag: `kind` parsed, finite and within `valid`, else argparse's
    one-line error naming the flag, the value and the range (e.g. --timeout nan)."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {'an integer' if kind is int else 'a number'}") from None
        if value not in valid:
            raise argparse.ArgumentTypeError(range_error(text, value, valid, kind is int).split(" = ", 1)[1])
        return value
    return parse
