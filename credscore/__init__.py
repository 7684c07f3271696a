"""credscore: calibrated probabilities that attributed statements hold up."""

from credscore._tables import Tables
from credscore._version import __version__

__all__ = ["Tables", "__version__"]
