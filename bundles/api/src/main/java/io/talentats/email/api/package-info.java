/**
 * What the host ATS uses: per-user mailbox settings, provider presets, connection tests, the message router, the
 * message history, the reply collector's status and the product-wide connectivity switch. Every service here is
 * implemented by our bundles ({@code @ProviderType}); the host only calls it. Events are listed in {@link
 * io.talentats.email.api.EmailEvents}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("2.2.0")
package io.talentats.email.api;
