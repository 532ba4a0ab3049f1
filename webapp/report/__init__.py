"""The report behind the web: results view, PDF downloads and their cache."""
