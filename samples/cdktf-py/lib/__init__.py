"""CDKTF stacks for the catalog API."""
