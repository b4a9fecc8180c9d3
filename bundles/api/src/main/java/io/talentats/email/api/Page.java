package io.talentats.email.api;

import java.util.List;

/**
 * One slice of a newest-first list.
 *
 * @param items the entries
 * @param request the slice asked for
 * @param total how many entries the whole list has
 */
public record Page<T>(List<T> items, PageRequest request, long total) {

    public Page {
        items = List.copyOf(items);
    }

    public boolean hasMore() {
        return request.offset() + items.size() < total;
    }
}
