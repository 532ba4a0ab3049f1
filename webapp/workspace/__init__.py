"""The town workspace: every assessment of a town, progress over time."""
