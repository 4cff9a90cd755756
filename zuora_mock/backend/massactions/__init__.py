"""Mass actions: uploads, the job lifecycle, row handlers and result files; no Flask here."""
