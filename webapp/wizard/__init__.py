"""The wizard: start form, steps, review, submit, results page, resume links."""
