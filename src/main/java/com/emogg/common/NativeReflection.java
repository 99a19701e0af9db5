package com.emogg.common;

import com.emogg.auth.TokenService;
import com.emogg.session.api.Page;
import com.emogg.session.api.SessionView;
import com.emogg.session.events.SessionCreated;
import com.emogg.session.events.SessionDeleted;
import com.emogg.session.events.SessionRenamed;
import com.emogg.session.events.SessionStartRequested;
import com.emogg.session.events.SessionStopRequested;
import com.emogg.session.events.SessionStopped;
import com.emogg.session.events.SessionWorkerStateChanged;
import com.emogg.session.events.WorkerHeartbeat;
import com.emogg.session.events.WorkerStateChanged;
import com.emogg.web.ErrorBody;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * For a native image: the types Jackson writes or reads by hand (event bodies, replayable
 * responses), which Quarkus cannot discover from resource signatures. The JVM build ignores this.
 */
@RegisterForReflection(targets = {
        SessionView.class, SessionView.Config.class, SessionView.Source.class, SessionView.Meta.class, Page.class,
        ErrorBody.class, ErrorBody.FieldError.class, TokenService.IssuedToken.class,
        SessionStartRequested.class, SessionStopRequested.class, WorkerStateChanged.class, WorkerHeartbeat.class,
        SessionCreated.class, SessionCreated.Source.class, SessionRenamed.class, SessionStopped.class,
        SessionWorkerStateChanged.class, SessionDeleted.class})
public final class NativeReflection {

    private NativeReflection() {
    }
}
