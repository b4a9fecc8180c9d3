package io.talentats.email.settings.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.talentats.email.api.EmailEvents;
import io.talentats.email.runtime.AccountState;
import io.talentats.email.runtime.Announcer;
import io.talentats.email.runtime.KeyRotation;
import io.talentats.email.runtime.SharedAccounts;
import io.talentats.email.runtime.SharedAccounts.Change;
import io.talentats.email.support.Threads;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's account configurations equal to the shared copies ({@link SharedAccounts}): an account saved,
 * changed or disconnected on any node is in this node's ConfigAdmin within {@link #POLL}, and is announced here as
 * it was on the node that saved it, so everything that follows account configurations (the reply collector, the
 * router, OAuth) acts on it. Polls the shared copies above the highest version it has seen: one indexed query every
 * {@link #POLL}, nothing when nothing changed. On its first run it shares the accounts this node has that the
 * database does not know yet (a node that ran before the store was installed, or before it joined), so that none is
 * lost; where both have an account, the database's copy wins. Each round also takes up a key rotation made on
 * another node ({@link KeyRotation#follow}).
 */
@Component(service = {}, immediate = true)
public class AccountMirror {

    private static final Logger LOG = LoggerFactory.getLogger(AccountMirror.class);

    static final Duration POLL = Duration.ofSeconds(2);

    private final ConfigurationAdmin configAdmin;
    private final Announcer announcer;
    private final KeyRotation keys;
    /** Polls the shared copies while there are any (a shared database); no thread otherwise. Guarded by this. */
    private ScheduledExecutorService poller;

    @Activate
    public AccountMirror(@Reference ConfigurationAdmin configAdmin, @Reference Announcer announcer,
            @Reference KeyRotation keys) {
        this.configAdmin = configAdmin;
        this.announcer = announcer;
        this.keys = keys;
    }

    /** The store says its database is shared: mirror it, starting with a first round at once. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindShared")
    synchronized void bindShared(SharedAccounts shared) {
        stopPolling();
        poller = Executors.newSingleThreadScheduledExecutor(Threads.daemon("talentats-email-accounts", null));
        poller.scheduleWithFixedDelay(new Rounds(shared), 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
    }

    synchronized void unbindShared(SharedAccounts shared) {
        stopPolling();
    }

    @Deactivate
    synchronized void deactivate() {
        stopPolling();
    }

    private void stopPolling() {
        if (poller != null) {
            poller.shutdownNow();
            poller = null;
        }
    }

    /** The rounds of one poller, with the highest version it has brought here (-1 before its first round). */
    private final class Rounds implements Runnable {

        private final SharedAccounts store;
        private long seen = -1;

        Rounds(SharedAccounts store) {
            this.store = store;
        }

        /** One round; a failure (the database unreachable) is logged and the next round tries again. */
        @Override
        public void run() {
            try {
                followKeys();
                if (seen < 0) {
                    shareWhatOnlyThisNodeHas(store);
                    seen = 0; // the first read takes every shared account, this node's just shared among them
                }
                for (Change change : store.since(seen)) {
                    apply(change);
                    seen = change.version();
                }
            } catch (RuntimeException e) {
                LOG.warn("Cannot bring the accounts up to date with the shared copies; trying again in {} s: {}",
                        POLL.toSeconds(), e.toString());
            }
        }
    }

    /**
     * Takes up a rotation made on another node within a round, also on a node that encrypts nothing meanwhile: it
     * re-encrypts its own secrets before a second rotation could retire the key they are under.
     */
    private void followKeys() {
        try {
            keys.follow();
        } catch (RuntimeException e) {
            LOG.warn("Cannot read the shared key file; trying again in {} s: {}", POLL.toSeconds(), e.toString());
        }
    }

    /** Shares this node's accounts the database has no copy of. */
    private void shareWhatOnlyThisNodeHas(SharedAccounts store) {
        Map<String, Change> known = new HashMap<>();
        for (Change c : store.since(0)) {
            known.put(c.userId(), c);
        }
        synchronized (KeyRing.SECRET_WRITES) {
            for (Configuration c : AccountKeys.all(configAdmin)) {
                Dictionary<String, Object> props = c.getProperties();
                String user = AccountKeys.str(props, AccountKeys.USER_ID);
                if (user == null || known.containsKey(user)) {
                    continue;
                }
                try {
                    SharedWrites.store(c, user, props, store);
                    LOG.info("Shared the email account of user {} with the other nodes", user);
                } catch (IOException e) {
                    throw new IllegalStateException("Cannot share the email account of user " + user, e);
                }
            }
        }
    }

    /** Brings this node's copy of one account to the shared version, unless it holds that version already. */
    void apply(Change change) {
        String user = change.userId();
        String topic;
        Map<String, Object> about = new HashMap<>(Map.of(EmailEvents.USER_ID, user));
        synchronized (KeyRing.SECRET_WRITES) {
            Optional<Configuration> local = AccountKeys.find(configAdmin, user);
            long held = local.map(c -> SharedWrites.version(c.getProperties())).orElse(-1L);
            if (held >= change.version() || (change.removed() && local.isEmpty())) {
                return;
            }
            try {
                if (change.removed()) {
                    local.get().delete();
                    topic = EmailEvents.ACCOUNT_DISCONNECTED;
                } else {
                    Dictionary<String, Object> props = new Hashtable<>(change.settings());
                    props.put(AccountKeys.SHARED_VERSION, change.version());
                    Configuration c = local.isPresent() ? local.get()
                            : configAdmin.getFactoryConfiguration(AccountKeys.FACTORY_PID, user, "?");
                    c.update(props);
                    topic = EmailEvents.ACCOUNT_SAVED;
                    about.put(EmailEvents.OAUTH, AccountKeys.oauthProvider(props) != null);
                    about.put(EmailEvents.MAIL_ACCESS, AccountKeys.toAccount(props, AccountState.unknown(user))
                            .mailAccess());
                }
            } catch (IOException e) {
                throw new IllegalStateException("Cannot store the shared email account of user " + user, e);
            }
        }
        LOG.info("Email account of user {} {} as on the node that {} it (version {})", user,
                change.removed() ? "disconnected" : "updated", change.removed() ? "disconnected" : "saved",
                change.version());
        announcer.post(topic, about);
    }
}
