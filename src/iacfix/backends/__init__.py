"""Language backends: each parses one language into the neutral view and renders edits back."""
