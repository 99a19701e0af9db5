package com.emogg.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The worker-state rules of the contract, on their own. */
class WorkerStateTest {

    @Test
    void theProgressOrderIsTheContracts() {
        assertEquals(List.of("pending", "starting", "working", "stopping", "stopped", "failed", "lost"),
                Arrays.stream(WorkerState.values()).map(WorkerState::value).toList());
    }

    @Test
    void onlyStoppedFailedAndLostAreTerminal() {
        assertEquals(List.of(WorkerState.STOPPED, WorkerState.FAILED, WorkerState.LOST),
                Arrays.stream(WorkerState.values()).filter(WorkerState::isTerminal).toList());
        assertEquals(List.of(WorkerState.STARTING, WorkerState.WORKING),
                Arrays.stream(WorkerState.values()).filter(WorkerState::isRunning).toList());
    }

    @Test
    void aStateMovesForwardOrStaysAndNeverLeavesATerminalOne() {
        assertTrue(WorkerState.PENDING.mayBecome(WorkerState.STARTING));
        assertTrue(WorkerState.WORKING.mayBecome(WorkerState.WORKING), "a heartbeat keeps it");
        assertTrue(WorkerState.WORKING.mayBecome(WorkerState.FAILED));
        assertTrue(WorkerState.STOPPING.mayBecome(WorkerState.STOPPED));
        assertFalse(WorkerState.WORKING.mayBecome(WorkerState.STARTING), "never backwards");
        assertFalse(WorkerState.STOPPING.mayBecome(WorkerState.WORKING), "a late heartbeat does not undo a stop");
        for (WorkerState terminal : List.of(WorkerState.STOPPED, WorkerState.FAILED, WorkerState.LOST)) {
            for (WorkerState next : WorkerState.values()) {
                assertFalse(terminal.mayBecome(next), terminal + " -> " + next);
            }
        }
    }

    @Test
    void aWaitEndsWhenItsStateIsReachedPassedOrEndedElsewhere() {
        assertTrue(WorkerState.WORKING.reached(WorkerState.WORKING));
        assertTrue(WorkerState.STOPPING.reached(WorkerState.WORKING));
        assertTrue(WorkerState.FAILED.reached(WorkerState.STOPPED), "a failed session never stops: the wait is over");
        assertTrue(WorkerState.LOST.reached(WorkerState.WORKING));
        assertFalse(WorkerState.STARTING.reached(WorkerState.WORKING));
    }

    @Test
    void wireValuesAreTheLowerCaseNamesAndNothingElse() {
        assertEquals("worker_lost", StopReason.WORKER_LOST.value());
        assertEquals(WorkerState.STOPPING, WireValue.parse(WorkerState.class, "stopping"));
        assertNull(WireValue.parse(WorkerState.class, "STOPPING"));
        assertNull(WireValue.parse(WorkerState.class, "paused"));
        assertNull(WireValue.parse(WorkerState.class, null));
        assertEquals("user", StopReason.USER.stoppedBy());
        assertEquals("system", StopReason.EXPIRED.stoppedBy());
    }
}
