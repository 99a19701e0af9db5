-- Up to when the api has applied every worker report, per partition of worker-states: the time of
-- the latest listening mark (written by the api itself into each partition) that its consumer applied.
-- Partition order makes it exact: every report written to a partition before a mark was applied
-- before it. The reconciler judges silence against this, not the wall clock, so an api or broker
-- outage never makes sessions look lost.
create table worker_states_heard (
    partition int primary key,
    heard_until timestamptz not null
);
