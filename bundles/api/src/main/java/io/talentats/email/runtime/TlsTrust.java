package io.talentats.email.runtime;

import javax.net.ssl.SSLContext;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The TLS trust of every connection our bundles make: the JVM's authorities and the certificates the operator
 * trusts in {@code trusted.certificates} (PID {@code io.talentats.email.mail}). Mail connections use it, and so do
 * the product's own HTTPS calls (autoconfig, the ISP database, OAuth token and revocation endpoints), so one setting
 * serves an operator with an internal CA or a TLS-inspecting proxy. Server identity is checked everywhere.
 */
@ProviderType
public interface TlsTrust {

    /** The context as configured now; a configuration change gives a new instance. */
    SSLContext context();
}
