package io.talentats.email.api;

/** A file attached to an outbound message. */
public record Attachment(String fileName, String contentType, byte[] content) {

    @Override
    public String toString() {
        return "Attachment[" + fileName + ", " + contentType + ", " + (content == null ? 0 : content.length) + " bytes]";
    }
}
