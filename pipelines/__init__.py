"""Item pipelines: where extracted records go."""
