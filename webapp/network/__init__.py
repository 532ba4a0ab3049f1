"""Networks of towns: a lead, member towns, what each shares, the network report."""
