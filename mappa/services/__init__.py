"""Every write in the MAPPA app, one module per area: levels, meetings (agenda, attendance,
minutes, decisions and actions) and packs."""
