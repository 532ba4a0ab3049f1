"""CSV and JSON downloads, and the operator's database export/import command."""
