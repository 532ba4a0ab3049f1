"""The anonymous peer pool: consent, and the figures of towns like this one."""
