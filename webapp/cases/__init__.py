"""The case-study library and the side-by-side comparison."""
