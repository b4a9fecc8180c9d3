/**
 * The outbox and history as our router and reply collector use them: {@link io.talentats.email.store.MessageStore}.
 * Exported with the mandatory attribute {@code talentats=internal}: not for the host ATS, which reads the history
 * through {@link io.talentats.email.api.MessageHistory}.
 */
@org.osgi.annotation.bundle.Export(attribute = {"talentats=internal", "mandatory:=talentats"})
@org.osgi.annotation.versioning.Version("2.6.0")
package io.talentats.email.store;
