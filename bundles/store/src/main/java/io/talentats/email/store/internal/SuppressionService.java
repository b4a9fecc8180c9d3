package io.talentats.email.store.internal;

import java.util.List;

import io.talentats.email.api.Suppression;
import io.talentats.email.api.Suppressions;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The addresses that hard-bounced, per user ({@link Suppressions}): kept by the reply tables, where bounces are
 * recorded.
 */
@Component(service = Suppressions.class)
public final class SuppressionService implements Suppressions {

    private final ReplyTables replies;

    @Activate
    public SuppressionService(@Reference Database db) {
        this.replies = new ReplyTables(db.jdbc(), db.clock());
    }

    @Override
    public List<Suppression> list(String userId) {
        return replies.suppressions(userId, null);
    }

    @Override
    public List<Suppression> find(String userId, List<String> addresses) {
        return replies.suppressions(userId, addresses);
    }

    @Override
    public boolean clear(String userId, String address) {
        return replies.clearSuppression(userId, address);
    }
}
