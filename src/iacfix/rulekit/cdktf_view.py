"""The CDKTF view's records (backends/cdktf_view.py) for the rules that read a CDKTF file's
`typed_view`: imports, classes, constructions, calls, chains, bindings."""

from iacfix.backends.cdktf_view import (  # noqa: F401 - re-exported
    BaseClass,
    Binding,
    Call,
    Chain,
    ClassDeclaration,
    ClassMember,
    ClassProperty,
    Construction,
    Import,
    ImportedName,
    Parameter,
    Segment,
    View,
)
