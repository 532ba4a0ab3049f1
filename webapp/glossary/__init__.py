"""The glossary on the web (readiness/glossary.py is the model)."""
