"""What the command-line tools share: one-line errors named by the tool,
and input files read whole."""

import sys


def failer(tool):
    """`fail(message)`: prints "tool: message" on stderr and returns 1, the
    tool's exit status."""
    def fail(message):
        print("%s: %s" % (tool, message), file=sys.stderr)
        return 1
    return fail


def cannot(action, path, error, reason=None):
    """The one-line message of an input or output file that failed:
    "cannot read 'path': No such file or directory"."""
    return "cannot %s '%s': %s" % (action, path, getattr(error, "strerror", None) or reason)


def read_bytes(path):
    """The bytes of `path`; OSError carries the reason."""
    with open(path, "rb") as f:
        return f.read()
