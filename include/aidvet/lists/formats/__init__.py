"""One parser module per list format; each turns raw bytes into `Entity` objects, no database."""
