/**
 * Contracts between our own bundles, not for the host ATS: decrypted credentials at the moment of use, the cipher,
 * key rotation. The package is exported with the mandatory attribute {@code talentats=internal}, so a bundle wires
 * to it only if it asks for it explicitly ({@code Import-Package: io.talentats.email.runtime;talentats=internal}).
 * Without a security manager OSGi cannot make this a security boundary; it keeps the host from depending on it by
 * accident, and our reviews keep the importers to our own bundles.
 */
@org.osgi.annotation.bundle.Export(attribute = {"talentats=internal", "mandatory:=talentats"})
@org.osgi.annotation.versioning.Version("5.1.0")
package io.talentats.email.runtime;
