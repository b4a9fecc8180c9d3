package io.talentats.email.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The product-wide switch. While email connectivity is disabled no recruiter's SMTP server is used and no mailbox
 * is watched: stage-change and interview mail go through the platform, custom messages are refused, and queued
 * messages wait. Read {@link #isEnabled()} at the moment of acting, and listen to
 * {@link EmailEvents#CONNECTIVITY_CHANGED} to act at once when it changes (the event's {@code enabled} is the value
 * announced; {@link #isEnabled()} read when the event is handled is the value now).
 */
@ProviderType
public interface Connectivity {

    boolean isEnabled();

    /**
     * Turns connectivity on or off by updating the product configuration ({@code io.talentats.email}); the change
     * takes effect as soon as ConfigAdmin delivers it and is announced on {@link EmailEvents#CONNECTIVITY_CHANGED}.
     */
    void setEnabled(boolean enabled);
}
