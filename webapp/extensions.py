"""Extensions, created unbound and attached in ``create_app`` with ``init_app``."""

from flask_wtf import CSRFProtect

from webapp.db import Database

db = Database()
csrf = CSRFProtect()
