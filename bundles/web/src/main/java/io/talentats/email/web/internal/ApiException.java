package io.talentats.email.web.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.talentats.email.api.FieldError;

/** A failure that becomes an error response: a status code and the JSON body to send with it. */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient Map<String, Object> body = new LinkedHashMap<>();

    ApiException(int status, String message) {
        this(status, message, List.of());
    }

    ApiException(int status, String message, List<FieldError> fields) {
        super(message);
        this.status = status;
        body.put("error", message);
        body.put("fields", fields);
    }

    ApiException with(String key, Object value) {
        body.put(key, value);
        return this;
    }
}
