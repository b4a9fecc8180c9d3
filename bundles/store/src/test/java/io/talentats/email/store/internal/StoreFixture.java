package io.talentats.email.store.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.List;

import javax.sql.DataSource;

import io.talentats.email.api.MessageHistory;
import io.talentats.email.api.Suppressions;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.Announcer;
import io.talentats.email.runtime.SharedAccounts;
import io.talentats.email.store.MessageStore;
import io.talentats.email.store.OAuthGrants;
import io.talentats.email.store.ReplyStore;
import io.talentats.email.store.WatchLeases;

/**
 * The whole store for plain Java — the store's own tests, other modules' tests and the benchmarks (published as
 * the store's test-jar): the same components Karaf activates, made by hand on one {@link Database}, behind one
 * object that is every contract at once (each call goes to the component of the contract that declares it). Not
 * in the bundle: in Karaf each contract is a component of its own.
 */
public interface StoreFixture extends MessageStore, ReplyStore, MessageHistory, AccountStates, OAuthGrants,
        Suppressions, WatchLeases, SharedAccounts, AutoCloseable {

    /** Lets the writes already accepted commit, then stops the writer. */
    @Override
    void close();

    /** A store that announces nothing, on the system clock. */
    static StoreFixture open(DataSource dataSource) {
        return open(dataSource, Announcer.to(() -> null), Clock.systemUTC());
    }

    static StoreFixture open(DataSource dataSource, Clock clock) {
        return open(dataSource, Announcer.to(() -> null), clock);
    }

    static StoreFixture open(DataSource dataSource, Announcer announcer, Clock clock) {
        Database database = new Database(dataSource, clock);
        List<Object> parts = List.of(new OutboxService(database), new ReplyService(database),
                new HistoryService(database, announcer), new SuppressionService(database),
                new AccountStateService(database, announcer), new WatchLeaseService(database),
                new SharedAccountService(database), new OAuthGrantService(database));
        return (StoreFixture) Proxy.newProxyInstance(StoreFixture.class.getClassLoader(),
                new Class<?>[] {StoreFixture.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == StoreFixture.class || method.getName().equals("close")) {
                        database.close();
                        return null;
                    }
                    if (method.getDeclaringClass() == Object.class) {
                        return method.getName().equals("equals") ? proxy == args[0]
                                : method.getName().equals("hashCode") ? System.identityHashCode(proxy)
                                : "StoreFixture[" + dataSource + "]";
                    }
                    Object target = parts.stream().filter(method.getDeclaringClass()::isInstance).findFirst()
                            .orElseThrow(() -> new UnsupportedOperationException(method.toString()));
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
