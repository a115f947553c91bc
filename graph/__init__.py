"""The graph: the annotated corpus, its validation, its mapping to RDF and the store."""
