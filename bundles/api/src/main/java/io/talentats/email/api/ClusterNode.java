package io.talentats.email.api;

import java.time.Instant;

/**
 * A Karaf node of the cluster as the shared database knows it: the nodes on one database say they are alive at each
 * watch-lease round, and each watches its share of the mailboxes.
 *
 * @param nodeId the node's name (framework property {@code io.talentats.email.node.id}, or made at its first start)
 * @param self whether it is the node answering
 * @param alive whether it said it is alive recently enough to count ({@code aliveUntil} is still ahead)
 * @param startedAt when it first said so
 * @param seenAt when it last said so
 * @param aliveUntil until when it counts as alive without saying so again
 * @param mailboxes the mailboxes it holds the watch lease of now
 */
public record ClusterNode(String nodeId, boolean self, boolean alive, Instant startedAt, Instant seenAt,
        Instant aliveUntil, int mailboxes) {}
