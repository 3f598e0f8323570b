"""One module per register source. Importing this package registers them all in ``SOURCES``,
in the order imported here, which is the order answers and documentation use."""
# isort: skip_file

from . import af  # noqa: F401
from . import fk  # noqa: F401
from . import csn  # noqa: F401
from . import skv  # noqa: F401
from . import akassa  # noqa: F401
from . import ts  # noqa: F401
from . import pm  # noqa: F401
from . import miv  # noqa: F401
