"""dpt-rutan: reconcile a prison's inmate roster with the KPU voter list and the civil registry."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dpt-rutan")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+source"
