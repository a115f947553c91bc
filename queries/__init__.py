"""Saved SPARQL queries: one .rq file each, metadata in `#+` YAML header lines."""
