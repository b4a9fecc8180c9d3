package io.talentats.email.api;

import java.util.ArrayList;
import java.util.List;

/**
 * A message the ATS wants sent to a candidate. Build one with {@link #builder()}. The router validates it at
 * {@link MessageRouter#submit(OutboundMessage) submit}: addresses must be valid and no header value may contain a
 * line break.
 */
public final class OutboundMessage {

    private final String senderUserId;
    private final String senderName;
    private final String senderAddress;
    private final MessageKind kind;
    private final MessageContent content;
    private final String idempotencyKey;

    private OutboundMessage(Builder b) {
        this.senderUserId = b.senderUserId;
        this.senderName = b.senderName;
        this.senderAddress = b.senderAddress;
        this.kind = b.kind;
        this.content = new MessageContent(b.to, b.cc, b.subject, b.textBody, b.htmlBody, b.attachments,
                b.candidateId, b.applicationId, b.threadId);
        this.idempotencyKey = b.idempotencyKey;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The ATS user (recruiter) the message is from. */
    public String senderUserId() {
        return senderUserId;
    }

    /**
     * The recruiter's name as the ATS knows it, or {@code null}. Used when the platform sends on the recruiter's
     * behalf ("Jane Doe via talentATS"); a connected account's display name takes precedence.
     */
    public String senderName() {
        return senderName;
    }

    /**
     * The recruiter's address as the ATS knows it, or {@code null}. When the platform sends on the recruiter's
     * behalf, replies go here (Reply-To); a connected account's address takes precedence. Without either, a
     * system message cannot be sent on the recruiter's behalf.
     */
    public String senderAddress() {
        return senderAddress;
    }

    public MessageKind kind() {
        return kind;
    }

    /** Recipients, subject, bodies, attachments and ATS ids in one value. */
    public MessageContent content() {
        return content;
    }

    /** The candidate's address(es). */
    public List<String> to() {
        return content.to();
    }

    public List<String> cc() {
        return content.cc();
    }

    public String subject() {
        return content.subject();
    }

    /** The plain-text body, or {@code null}. */
    public String textBody() {
        return content.textBody();
    }

    /** The HTML body, or {@code null}. */
    public String htmlBody() {
        return content.htmlBody();
    }

    public List<Attachment> attachments() {
        return content.attachments();
    }

    /** The ATS candidate the message is about, or {@code null}. */
    public String candidateId() {
        return content.candidateId();
    }

    /** The ATS application the message is about, or {@code null}. */
    public String applicationId() {
        return content.applicationId();
    }

    /**
     * The ATS conversation the message belongs to, or {@code null} to start a new one. A message that continues a
     * thread answers the thread's latest message (In-Reply-To and References are set).
     */
    public String threadId() {
        return content.threadId();
    }

    /** The caller's key: submitting the same key again for the same sender returns the first message. */
    public String idempotencyKey() {
        return idempotencyKey;
    }

    @Override
    public String toString() {
        return "OutboundMessage[" + kind + " from user " + senderUserId + ", thread " + content.threadId() + "]";
    }

    /** Builds an {@link OutboundMessage}. */
    public static final class Builder {
        private String senderUserId;
        private String senderName;
        private String senderAddress;
        private MessageKind kind;
        private final List<String> to = new ArrayList<>();
        private final List<String> cc = new ArrayList<>();
        private String subject;
        private String textBody;
        private String htmlBody;
        private final List<Attachment> attachments = new ArrayList<>();
        private String candidateId;
        private String applicationId;
        private String threadId;
        private String idempotencyKey;

        private Builder() {}

        public Builder senderUserId(String senderUserId) {
            this.senderUserId = senderUserId;
            return this;
        }

        public Builder senderName(String senderName) {
            this.senderName = senderName;
            return this;
        }

        public Builder senderAddress(String senderAddress) {
            this.senderAddress = senderAddress;
            return this;
        }

        public Builder kind(MessageKind kind) {
            this.kind = kind;
            return this;
        }

        public Builder to(String... addresses) {
            this.to.addAll(List.of(addresses));
            return this;
        }

        public Builder to(List<String> addresses) {
            this.to.addAll(addresses);
            return this;
        }

        public Builder cc(String... addresses) {
            this.cc.addAll(List.of(addresses));
            return this;
        }

        public Builder subject(String subject) {
            this.subject = subject;
            return this;
        }

        public Builder textBody(String textBody) {
            this.textBody = textBody;
            return this;
        }

        public Builder htmlBody(String htmlBody) {
            this.htmlBody = htmlBody;
            return this;
        }

        /** Sets recipients, subject, bodies, attachments and ATS ids from one value, replacing any set before. */
        public Builder content(MessageContent content) {
            this.to.clear();
            this.to.addAll(content.to());
            this.cc.clear();
            this.cc.addAll(content.cc());
            this.subject = content.subject();
            this.textBody = content.textBody();
            this.htmlBody = content.htmlBody();
            this.attachments.clear();
            this.attachments.addAll(content.attachments());
            this.candidateId = content.candidateId();
            this.applicationId = content.applicationId();
            this.threadId = content.threadId();
            return this;
        }

        public Builder attach(Attachment attachment) {
            this.attachments.add(attachment);
            return this;
        }

        public Builder candidateId(String candidateId) {
            this.candidateId = candidateId;
            return this;
        }

        public Builder applicationId(String applicationId) {
            this.applicationId = applicationId;
            return this;
        }

        public Builder threadId(String threadId) {
            this.threadId = threadId;
            return this;
        }

        public Builder idempotencyKey(String idempotencyKey) {
            this.idempotencyKey = idempotencyKey;
            return this;
        }

        public OutboundMessage build() {
            return new OutboundMessage(this);
        }
    }
}
