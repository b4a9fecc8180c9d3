package io.talentats.email.api;

/** What the history keeps to describe an attachment. */
public record AttachmentInfo(String fileName, String contentType, long size) {}
