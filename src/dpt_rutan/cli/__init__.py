"""The `dpt-rutan` command line: parse options, call the library, render with rich, exit with a code.

Exit codes: 0 done and clean, 1 done with findings (validate), 2 unusable input or configuration, 3 an internal
consistency check failed (a bug: please report it), 70 any other internal error.
"""

# Each module registers its command on the app when imported; --help lists them in this order, so it is not sorted.
from dpt_rutan.cli import validate, reconcile, reconcile_sites, plan, missing_nik, diff, init_site  # noqa: F401, I001
from dpt_rutan.cli.main import app

__all__ = ["app"]
