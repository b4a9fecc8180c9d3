/**
 * Jakarta Mail sessions and the one way into a mailbox ({@link io.talentats.email.mail.MailAccess}, a whiteboard of
 * {@code mail.access} implementations) for our own bundles and trusted plugins. Exported with the mandatory attribute
 * {@code talentats=internal}, like {@code io.talentats.email.runtime}: not for the host ATS.
 */
@org.osgi.annotation.bundle.Export(attribute = {"talentats=internal", "mandatory:=talentats"})
@org.osgi.annotation.versioning.Version("2.2.0")
package io.talentats.email.mail;
