/**
 * What plugin developers implement: mail provider presets, contributed as OSGi services with one annotation
 * ({@link io.talentats.email.spi.ProviderPresetService}). Types here are {@code @ConsumerType}: adding a method is a
 * major change, so they evolve separately from the api package.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.talentats.email.spi;
