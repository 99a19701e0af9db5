-- Since when the api's path through the broker has worked without interruption (the latest time an
-- api replica saw one of its listening marks delivered late, or after failed ones). A broker outage
-- holds back the workers' reports in their producers as it holds back the marks, and once it ends
-- those reports may be written after the api's first new marks: a worker's silence counts only
-- from here on (see com.emogg.session.Listening).
alter table worker_states_heard add column listening_since timestamptz;
update worker_states_heard set listening_since = heard_until;
alter table worker_states_heard alter column listening_since set not null;
