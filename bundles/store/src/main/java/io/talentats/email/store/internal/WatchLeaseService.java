package io.talentats.email.store.internal;

import io.talentats.email.store.WatchLeases;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Which node watches which mailbox ({@link WatchLeases}): leases with fencing tokens and the nodes alive, in
 * {@link WatchLeaseTable}.
 */
@Component(service = WatchLeases.class)
public final class WatchLeaseService implements WatchLeases {

    private final WatchLeaseTable leases;

    @Activate
    public WatchLeaseService(@Reference Database db) {
        this.leases = new WatchLeaseTable(db.jdbc(), db.clock());
    }

    @Override
    public Optional<Lease> acquire(String mailboxId, String owner, Duration length) {
        return leases.acquire(mailboxId, owner, length);
    }

    @Override
    public Optional<Lease> renew(Lease lease, Duration length) {
        return leases.renew(lease, length);
    }

    @Override
    public List<Lease> renewAll(String owner, Duration length) {
        return leases.renewAll(owner, length);
    }

    @Override
    public void release(Lease lease) {
        leases.release(lease);
    }

    @Override
    public List<Lease> leases() {
        return leases.leases();
    }

    @Override
    public List<Node> started(String nodeId, Duration ttl) {
        return leases.started(nodeId, ttl);
    }

    @Override
    public List<Node> heartbeat(String nodeId, Duration ttl) {
        return leases.heartbeat(nodeId, ttl);
    }

    @Override
    public void leave(String nodeId) {
        leases.leave(nodeId);
    }

    @Override
    public List<Node> nodes() {
        return leases.nodes();
    }
}
