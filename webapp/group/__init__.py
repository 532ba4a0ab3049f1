"""Group assessment: contributors answer separately; the spread of their views."""
