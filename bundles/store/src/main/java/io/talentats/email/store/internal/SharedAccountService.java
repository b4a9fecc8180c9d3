package io.talentats.email.store.internal;

import io.talentats.email.runtime.SharedAccounts;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The accounts' settings as every node of a cluster sees them ({@link SharedAccounts}), in
 * {@link SharedAccountTable}. Made by {@link Sharing} only on a database other nodes can share: on an H2 file
 * there is nothing to share, and the settings service then works alone.
 */
@Component(service = SharedAccounts.class, factory = SharedAccountService.FACTORY)
public final class SharedAccountService implements SharedAccounts {

    static final String FACTORY = "io.talentats.email.store.shared-accounts";

    private final SharedAccountTable shared;

    @Activate
    public SharedAccountService(@Reference Database db) {
        this.shared = new SharedAccountTable(db.jdbc(), db.clock());
    }

    @Override
    public long publish(String userId, Map<String, Object> settings) {
        return shared.publish(userId, settings);
    }

    @Override
    public List<Change> since(long after) {
        return shared.since(after);
    }
}
