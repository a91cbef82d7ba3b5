"""Every write in the risk app, one module per area: rm2000, levels, arms, plans, notes,
reactive, and triggers (what a change elsewhere on the case sets off)."""
