package io.talentats.email.discovery.internal;

import java.util.List;

/** The DNS questions discovery asks; answered by JNDI in the product and by a map in unit tests. */
interface Dns {

    /** One SRV record (RFC 2782). A target of {@code .} means the service is not offered. */
    record Srv(int priority, int weight, int port, String target) {}

    /** The SRV records of {@code name} (e.g. {@code _imaps._tcp.example.com}), best first; empty when none. */
    List<Srv> srv(String name) throws java.io.IOException;

    /** The MX hosts of {@code domain}, best first, without the trailing dot; empty when none. */
    List<String> mx(String domain) throws java.io.IOException;
}
