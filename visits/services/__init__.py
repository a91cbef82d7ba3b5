"""Every write in the visits app, one module per area: due (the next visit due date),
planning, recording (and attachments), warrants."""
