package io.talentats.email.store.internal;

import java.util.Hashtable;

import org.osgi.service.component.ComponentFactory;
import org.osgi.service.component.ComponentInstance;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Makes the {@link SharedAccountService} (through its component factory) when the database is one other nodes can
 * share, and disposes of it with the database.
 */
@Component(immediate = true)
public final class Sharing {

    private final ComponentInstance<?> instance;

    @Activate
    public Sharing(@Reference Database db,
            @Reference(target = "(component.factory=" + SharedAccountService.FACTORY + ")") ComponentFactory<?> factory) {
        this.instance = db.shareable() ? factory.newInstance(new Hashtable<>()) : null;
    }

    @Deactivate
    void deactivate() {
        if (instance != null) {
            instance.dispose();
        }
    }
}
