package io.talentats.email.store.internal;

import io.talentats.email.store.OAuthGrants;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * OAuth grants and sign-ins in progress ({@link OAuthGrants}), in {@link OAuthTables}: a refresh on one node waits
 * for another's and builds on what it stored.
 */
@Component(service = OAuthGrants.class)
public final class OAuthGrantService implements OAuthGrants {

    private final OAuthTables oauth;

    @Activate
    public OAuthGrantService(@Reference Database db) {
        this.oauth = new OAuthTables(db.jdbc(), db.clock());
    }

    @Override
    public Optional<Grant> grant(String userId) {
        return oauth.grant(userId);
    }

    @Override
    public List<Grant> grants() {
        return oauth.grants();
    }

    @Override
    public Grant putGrant(Grant grant) {
        return oauth.putGrant(grant);
    }

    @Override
    public Optional<Grant> refresh(String userId, Refresh refresh) throws Exception {
        return oauth.refresh(userId, refresh);
    }

    @Override
    public boolean reencrypted(String userId, long version, String refreshToken, String accessToken) {
        return oauth.reencrypted(userId, version, refreshToken, accessToken);
    }

    @Override
    public boolean deleteGrant(String userId) {
        return oauth.deleteGrant(userId);
    }

    @Override
    public void putFlow(Flow flow) {
        oauth.putFlow(flow);
    }

    @Override
    public Optional<Flow> takeFlow(String state) {
        return oauth.takeFlow(state);
    }

    @Override
    public int purgeFlows(Instant now) {
        return oauth.purgeFlows(now);
    }
}
