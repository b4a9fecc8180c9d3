package io.talentats.email.itests.support;

import java.util.Base64;
import java.util.Locale;

/** SMTP servers that answer like real providers do, from recorded replies. */
public final class SmtpScripts {

    private SmtpScripts() {}

    /** A server that refuses the login with {@code authReply} (e.g. Gmail's 534-5.7.9). */
    public static ScriptedServer.Script refusingLogin(String authReply) {
        return new Base() {
            @Override
            String auth() {
                return authReply;
            }
        };
    }

    /**
     * A server that greets and answers EHLO at once but answers the login only after {@code delay}, as Dovecot and
     * Postfix do after failed logins from the same address.
     */
    public static ScriptedServer.Script answeringLoginAfter(java.time.Duration delay, String authReply) {
        return new Base() {
            @Override
            String auth() {
                pause(delay);
                return authReply;
            }
        };
    }

    /** The IMAP counterpart: greeting and CAPABILITY at once, the LOGIN's answer after {@code delay}. */
    public static ScriptedServer.Script imapAnsweringLoginAfter(java.time.Duration delay) {
        ScriptedServer.Script refusing = imapRefusingLogin("[AUTHENTICATIONFAILED] Authentication failed.");
        return new ScriptedServer.Script() {
            @Override
            public String greeting() {
                return refusing.greeting();
            }

            @Override
            public String reply(String line) {
                if (line.toUpperCase(Locale.ROOT).matches("\\S+ (LOGIN|AUTHENTICATE).*")) {
                    pause(delay);
                }
                return refusing.reply(line);
            }
        };
    }

    private static void pause(java.time.Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A server that accepts any login but refuses the sender with {@code mailFromReply}. */
    public static ScriptedServer.Script refusingSender(String mailFromReply) {
        return new Base() {
            @Override
            String mailFrom() {
                return mailFromReply;
            }
        };
    }

    private abstract static class Base implements ScriptedServer.Script {
        private boolean inAuth;

        @Override
        public String greeting() {
            return "220 smtp.scripted.test ESMTP ready";
        }

        String auth() {
            return "235 2.7.0 Accepted";
        }

        String mailFrom() {
            return "250 2.1.0 OK";
        }

        @Override
        public String reply(String line) {
            if (inAuth) {
                inAuth = false;
                return auth();
            }
            String cmd = line.toUpperCase(Locale.ROOT);
            if (cmd.startsWith("EHLO")) {
                // As Exchange Online: a password or an OAuth token (XOAUTH2)
                return "250-smtp.scripted.test\n250-AUTH PLAIN XOAUTH2\n250 8BITMIME";
            }
            if (cmd.startsWith("AUTH PLAIN ") || cmd.startsWith("AUTH XOAUTH2 ")) {
                Base64.getDecoder().decode(line.substring(line.indexOf(' ', 5) + 1).trim());
                return auth();
            }
            if (cmd.startsWith("AUTH")) {
                inAuth = true;
                return "334 ";
            }
            if (cmd.startsWith("MAIL FROM")) {
                return mailFrom();
            }
            if (cmd.startsWith("RSET") || cmd.startsWith("NOOP")) {
                return "250 2.0.0 OK";
            }
            if (cmd.startsWith("QUIT")) {
                return "221 2.0.0 Bye";
            }
            return "502 5.5.1 Unrecognized command";
        }
    }

    /** An IMAP server that refuses every login with {@code noText} (e.g. Gmail's "not enabled for IMAP"). */
    public static ScriptedServer.Script imapRefusingLogin(String noText) {
        return new ScriptedServer.Script() {
            @Override
            public String greeting() {
                return "* OK [CAPABILITY IMAP4rev1] scripted IMAP ready";
            }

            @Override
            public String reply(String line) {
                String[] parts = line.split(" ", 3);
                String tag = parts[0];
                String cmd = parts.length > 1 ? parts[1].toUpperCase(Locale.ROOT) : "";
                return switch (cmd) {
                    case "CAPABILITY" -> "* CAPABILITY IMAP4rev1\n" + tag + " OK done";
                    case "LOGIN", "AUTHENTICATE" -> tag + " NO " + noText;
                    case "LOGOUT" -> "* BYE\n" + tag + " OK bye";
                    default -> tag + " BAD unknown command";
                };
            }
        };
    }
}
