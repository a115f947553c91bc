"""The newsgraph OWL ontology, its SHACL shapes, and checks that run on them."""
