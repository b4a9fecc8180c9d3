package io.talentats.email.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The product-wide switch. While email connectivity is disabled no recruiter's SMTP server is used and no mailbox
 * is watched: stage-change and interview mail go through the platform, custom messages are refused, and queued
 * messages wait. The service carries the property {@value #ENABLED_PROPERTY} so that components can depend on the
 * switch being on with a reference target {@code (enabled=true)}.
 */
@ProviderType
public interface Connectivity {

    /** The service property that mirrors {@link #isEnabled()}. */
    String ENABLED_PROPERTY = "enabled";

    boolean isEnabled();

    /**
     * Turns connectivity on or off by updating the product configuration ({@code io.talentats.email}); the change
     * takes effect as soon as ConfigAdmin delivers it and is announced on {@link EmailEvents#CONNECTIVITY_CHANGED}.
     */
    void setEnabled(boolean enabled);
}
