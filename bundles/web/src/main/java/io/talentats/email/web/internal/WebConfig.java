package io.talentats.email.web.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        name = "talentATS email web",
        description = "Who may use the REST API and the settings page under /talentats-email: operators (every "
                + "account) and recruiters (only their own).")
public @interface WebConfig {

    String PID = "io.talentats.email.web";

    @AttributeDefinition(name = "Operator roles", description = "Karaf JAAS roles (realm karaf) that may use "
            + "everything, with HTTP Basic authentication; in a .cfg file separated by commas.")
    String[] roles() default {"admin"};

    @AttributeDefinition(name = "Self-service role", description = "The Karaf JAAS role of recruiters: a login "
            + "with it reaches only the ATS user whose id is the login name. Empty: no self-service logins.")
    String self_service_role() default "recruiter";

    @AttributeDefinition(name = "Host token secret", type = AttributeType.PASSWORD, description = "The secret the "
            + "host ATS signs recruiter tokens with (JWT, HS256; at least 32 characters); written back encrypted "
            + "when given in plain text. Empty: no tokens are taken.")
    String token_secret() default "";

    @AttributeDefinition(name = "Token audience", description = "The aud claim a host token must carry.")
    String token_audience() default "talentats-email";

    @AttributeDefinition(name = "Longest token life", description = "Minutes a token may live at most (its exp "
            + "no further ahead than this): tokens are short-lived.")
    int token_max_lifetime_minutes() default 60;

    @AttributeDefinition(name = "Remember logins for", description = "Seconds a successful JAAS login is "
            + "remembered, so that the realm (LDAP, say) is not asked on every call. 0: ask every time.")
    int login_cache_seconds() default 60;

    @AttributeDefinition(name = "Open to localhost", description = "Let requests from this machine in without a "
            + "login, as an operator. For the sandbox only: never where anyone else can reach this machine's "
            + "loopback.")
    boolean allow_localhost() default false;
}
