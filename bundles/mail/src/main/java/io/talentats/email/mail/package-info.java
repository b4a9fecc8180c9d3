/**
 * Jakarta Mail sessions for our own bundles: {@link io.talentats.email.mail.MailSessions}. Exported with the
 * mandatory attribute {@code talentats=internal}, like {@code io.talentats.email.runtime}: not for the host ATS.
 */
@org.osgi.annotation.bundle.Export(attribute = {"talentats=internal", "mandatory:=talentats"})
@org.osgi.annotation.versioning.Version("2.1.0")
package io.talentats.email.mail;
