package io.talentats.email.web.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        name = "talentATS email web",
        description = "Who may use the REST API and the settings page under /talentats-email.")
public @interface WebConfig {

    String PID = "io.talentats.email.web";

    @AttributeDefinition(name = "Roles", description = "Karaf JAAS roles (realm karaf) allowed in, with HTTP Basic "
            + "authentication; in a .cfg file separated by commas.")
    String[] roles() default {"admin"};

    @AttributeDefinition(name = "Open to localhost", description = "Let requests from this machine in without a "
            + "login. For the sandbox only: never where anyone else can reach this machine's loopback.")
    boolean allow_localhost() default false;
}
