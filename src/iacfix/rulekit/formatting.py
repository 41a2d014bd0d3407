"""`terraform fmt`'s layout of an HCL file (TF001), from the hclwrite formatter the backend runs."""

from __future__ import annotations

from iacfix.backends.hcl_format import FormatterError, canonical  # noqa: F401
from iacfix.backends.node import NodeUnavailable, WorkerError

# what stops the formatter from answering: no Node, a dead worker, a text hclwrite refuses
FORMATTER_UNAVAILABLE = (NodeUnavailable, WorkerError, FormatterError)
