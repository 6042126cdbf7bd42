"""Who may do what with applications: one module per side, re-exported here."""

from applications.permissions.candidate import *  # noqa: F403
from applications.permissions.staff import *  # noqa: F403
