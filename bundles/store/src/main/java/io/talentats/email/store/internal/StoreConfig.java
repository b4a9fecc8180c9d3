package io.talentats.email.store.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        name = "talentATS email message store",
        description = "Where the message history and the outbox live.")
public @interface StoreConfig {

    String PID = "io.talentats.email.store";

    @AttributeDefinition(
            name = "DataSource",
            description = "LDAP filter selecting the javax.sql.DataSource service. The feature configures one with "
                    + "pax-jdbc-config (etc/org.ops4j.datasource-talentats-email.cfg: H2 in Karaf's data folder); "
                    + "point that configuration at PostgreSQL for several nodes.")
    String dataSource_target() default "(dataSourceName=talentats-email)";
}
