-- The run of the worker whose report was applied last: a worker's seq orders only the reports of one
-- run (one process, from its start), so the api compares seq only when both the worker id and the
-- run are the same (com.emogg.session.reports.WorkerStateService). Null for reports of workers
-- older than the run field, which count as one run per worker id.
alter table sessions add column worker_run text;
