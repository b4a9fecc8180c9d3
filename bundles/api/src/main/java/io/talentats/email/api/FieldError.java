package io.talentats.email.api;

/**
 * One problem with one field of a draft or a message, in words that say what to fix.
 *
 * @param field the field's name as the settings page and the REST API call it, e.g. {@code smtp.port}
 * @param message what is wrong and how to fix it
 */
public record FieldError(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
