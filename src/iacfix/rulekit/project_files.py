"""What a rule may know of the project's folder beyond its parsed files."""

from iacfix.files import SKIP_DIRS  # noqa: F401  (folders a walk of the project leaves out)
