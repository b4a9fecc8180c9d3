package io.talentats.email.api;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when settings cannot be saved as given; {@link #errors()} has one entry per bad field. */
public class InvalidSettingsException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient List<FieldError> errors;

    public InvalidSettingsException(List<FieldError> errors) {
        super(errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
