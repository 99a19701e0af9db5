/**
 * The wire: what crosses Kafka between the api, the workers and other services, and nothing else.
 * Commands to workers ({@link com.emogg.contract.SessionStartRequested},
 * {@link com.emogg.contract.SessionStopRequested}), the workers' reports
 * ({@link com.emogg.contract.WorkerStateChanged}, {@link com.emogg.contract.WorkerHeartbeat}), the
 * api's {@link com.emogg.contract.ReportWatermark}, the public facts of {@code session-events}, each
 * with its {@code ce_type} and schema version; the channel names; the worker states and their rules;
 * the stop reasons. It depends on nothing of the application (an ArchUnit test holds it to that), so
 * every other package can build on it. {@code docs/asyncapi.yaml} describes the same wire for readers.
 */
package com.emogg.contract;
