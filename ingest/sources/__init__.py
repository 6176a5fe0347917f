"""One parser per landing source; each turns a file's bytes into a ``ParsedFile``."""
