package io.talentats.email.api;

/**
 * Which slice of a newest-first list to return.
 *
 * @param offset how many entries to skip
 * @param limit how many to return at most (1 to 500)
 */
public record PageRequest(int offset, int limit) {

    public PageRequest {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be 0 or more, was " + offset);
        }
        if (limit < 1 || limit > 500) {
            throw new IllegalArgumentException("limit must be between 1 and 500, was " + limit);
        }
    }

    public static PageRequest first(int limit) {
        return new PageRequest(0, limit);
    }

    public PageRequest next() {
        return new PageRequest(offset + limit, limit);
    }
}
