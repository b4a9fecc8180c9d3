package io.talentats.email.api;

/**
 * What a recruiter types into the Email Connection Settings form, before it is validated and saved. Unset values are
 * {@code null}: a draft without a password keeps the stored one, a draft without a username uses the email address.
 * Immutable; build one with {@link #builder()} or change one with {@link #toBuilder()}.
 */
public final class AccountDraft {

    private final String emailAddress;
    private final String username;
    private final Secret password;
    private final String displayName;
    private final Endpoint smtp;
    private final Endpoint imap;
    private final String presetId;
    private final Boolean saveSentCopy;
    private final boolean enabled;
    private final String oauthProvider;
    private final String mailAccess;

    private AccountDraft(Builder b) {
        this.emailAddress = b.emailAddress;
        this.username = b.username;
        this.password = b.password;
        this.displayName = b.displayName;
        this.smtp = b.smtp;
        this.imap = b.imap;
        this.presetId = b.presetId;
        this.saveSentCopy = b.saveSentCopy;
        this.enabled = b.enabled;
        this.oauthProvider = b.oauthProvider;
        this.mailAccess = b.mailAccess;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .emailAddress(emailAddress)
                .username(username)
                .password(password)
                .displayName(displayName)
                .smtp(smtp)
                .imap(imap)
                .presetId(presetId)
                .saveSentCopy(saveSentCopy)
                .enabled(enabled)
                .oauthProvider(oauthProvider)
                .mailAccess(mailAccess);
    }

    /** The mailbox address; messages appear to come from it. */
    public String emailAddress() {
        return emailAddress;
    }

    /** The login name, or {@code null} to log in with the email address. */
    public String username() {
        return username;
    }

    /** The password, or {@code null} to keep the stored one. */
    public Secret password() {
        return password;
    }

    /** The name shown beside the address ("Jane Doe"), or {@code null}. */
    public String displayName() {
        return displayName;
    }

    public Endpoint smtp() {
        return smtp;
    }

    public Endpoint imap() {
        return imap;
    }

    /** The provider preset the settings came from, or {@code null}. */
    public String presetId() {
        return presetId;
    }

    /**
     * Whether a copy of each sent message is appended to the Sent folder: {@code null} follows the preset (no copy
     * for a provider that files sent mail itself), {@code true} or {@code false} overrides it.
     */
    public Boolean saveSentCopy() {
        return saveSentCopy;
    }

    /** A disabled account is kept but not used: no sending through it, no reply collection. */
    public boolean enabled() {
        return enabled;
    }

    /**
     * The OAuth provider the account signs in with, or {@code null} for a password login. A draft names one only
     * when the recruiter signed in with it (the sign-in saves the account) or keeps the stored sign-in while editing.
     */
    public String oauthProvider() {
        return oauthProvider;
    }

    /**
     * The way mail is sent and read ({@link Account#SMTP_IMAP}, {@link Account#GRAPH}, {@link Account#GMAIL_API});
     * {@code null} for SMTP and IMAP. The two APIs need the provider's OAuth sign-in.
     */
    public String mailAccess() {
        return mailAccess;
    }

    @Override
    public String toString() {
        return "AccountDraft[" + emailAddress + ", smtp=" + smtp + ", imap=" + imap
                + (mailAccess != null ? ", access " + mailAccess : "")
                + (oauthProvider != null ? ", OAuth " + oauthProvider : ", password "
                        + (password == null ? "unchanged" : "given")) + "]";
    }

    /** Builds an {@link AccountDraft}. */
    public static final class Builder {
        private String emailAddress;
        private String username;
        private Secret password;
        private String displayName;
        private Endpoint smtp;
        private Endpoint imap;
        private String presetId;
        private Boolean saveSentCopy;
        private boolean enabled = true;
        private String oauthProvider;
        private String mailAccess;

        private Builder() {}

        public Builder mailAccess(String mailAccess) {
            this.mailAccess = mailAccess == null || mailAccess.isBlank() || Account.SMTP_IMAP.equals(mailAccess.trim())
                    ? null : mailAccess.trim();
            return this;
        }

        public Builder oauthProvider(String oauthProvider) {
            this.oauthProvider = oauthProvider == null || oauthProvider.isBlank() ? null : oauthProvider.trim();
            return this;
        }

        public Builder emailAddress(String emailAddress) {
            this.emailAddress = emailAddress;
            return this;
        }

        public Builder username(String username) {
            this.username = username;
            return this;
        }

        public Builder password(Secret password) {
            this.password = password;
            return this;
        }

        public Builder password(String password) {
            this.password = password == null ? null : Secret.of(password);
            return this;
        }

        public Builder displayName(String displayName) {
            this.displayName = displayName;
            return this;
        }

        public Builder smtp(Endpoint smtp) {
            this.smtp = smtp;
            return this;
        }

        public Builder smtp(String host, int port, Security security) {
            return smtp(new Endpoint(host, port, security));
        }

        public Builder imap(Endpoint imap) {
            this.imap = imap;
            return this;
        }

        public Builder imap(String host, int port, Security security) {
            return imap(new Endpoint(host, port, security));
        }

        public Builder presetId(String presetId) {
            this.presetId = presetId;
            return this;
        }

        public Builder saveSentCopy(Boolean saveSentCopy) {
            this.saveSentCopy = saveSentCopy;
            return this;
        }

        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        public AccountDraft build() {
            return new AccountDraft(this);
        }
    }
}
