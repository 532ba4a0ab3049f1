"""The officer's language: Flask-Babel, the language picker, country names."""
