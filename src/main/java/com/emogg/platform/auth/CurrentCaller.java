package com.emogg.platform.auth;

import jakarta.enterprise.context.RequestScoped;

import com.emogg.platform.ratelimit.Quota;

/** The caller of the current request, set by {@link BearerAuthentication} before any resource runs. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;
    private Quota quota;

    void set(Caller caller) {
        this.caller = caller;
    }

    void quota(Quota quota) {
        this.quota = quota;
    }

    /** The caller's rate-limit bucket after this request, or null when rate limiting is off. */
    public Quota quota() {
        return quota;
    }

    /** The caller, or null when the request is not an authenticated one. */
    public Caller orNull() {
        return caller;
    }

    public Caller get() {
        if (caller == null) {
            throw new IllegalStateException("no authenticated caller on this request");
        }
        return caller;
    }
}
