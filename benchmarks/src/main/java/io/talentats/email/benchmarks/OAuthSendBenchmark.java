package io.talentats.email.benchmarks;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Security;
import io.talentats.email.api.Verification;
import io.talentats.email.oauth.internal.OAuthFixture;
import io.talentats.email.runtime.AccessTokens;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;

/**
 * Sending over XOAUTH2 against sending with a password, through the router to the same GreenMail SMTP server in the
 * same run, rounds alternating which goes first. The OAuth runs use the real token service with tokens that live
 * {@code -Dlife=3} seconds, so they are renewed several times during each run (rotated refresh tokens; the server
 * accepts only the newest access token). Prints both rates, their ratio (target >= 0.9) and where the refreshes ran.
 *
 * <pre>
 * java -cp ... io.talentats.email.benchmarks.OAuthSendBenchmark [messages]
 * </pre>
 */
public final class OAuthSendBenchmark {

    static final String ADDRESS = "bench1@bench.localhost";

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("org.flywaydb").setLevel(java.util.logging.Level.WARNING);
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1500;
        int rounds = Integer.getInteger("rounds", 3);
        Duration life = Duration.ofSeconds(Integer.getInteger("life", 3));
        GreenMail gm = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        gm.start();
        int port = gm.getSmtp().getPort();
        Endpoint smtp = new Endpoint("127.0.0.1", port, Security.NONE);
        Endpoint imap = new Endpoint("127.0.0.1", 1, Security.NONE);
        System.out.printf(Locale.ROOT, "OAuth benchmark: %d messages per run to GreenMail SMTP 127.0.0.1:%d, one "
                + "sender, password login against XOAUTH2 with %d-second tokens; %d rounds; %d cores, Java %s%n%n",
                n, port, life.toSeconds(), rounds, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        BenchAccount settings = new BenchAccount("bench", ADDRESS, "bench-pass", smtp, imap);
        // Warm-up of both paths
        password(gm, settings, smtp, imap, Math.min(n, 500));
        oauth(gm, settings, smtp, imap, Math.min(n, 500), life);

        Table t = new Table("login", "messages", "seconds", "msgs/s");
        double[] ratios = new double[rounds];
        int renewerBefore = OAuthFixture.RENEWER_REFRESHES.get();
        int callerBefore = OAuthFixture.CALLER_REFRESHES.get();
        for (int r = 0; r < rounds; r++) {
            double pw;
            double oa;
            if (r % 2 == 0) {
                pw = n / password(gm, settings, smtp, imap, n);
                oa = n / oauth(gm, settings, smtp, imap, n, life);
            } else {
                oa = n / oauth(gm, settings, smtp, imap, n, life);
                pw = n / password(gm, settings, smtp, imap, n);
            }
            t.row("password (round " + (r + 1) + ")", n, n / pw, pw);
            t.row("XOAUTH2 (round " + (r + 1) + ")", n, n / oa, oa);
            ratios[r] = oa / pw;
        }
        t.print();
        StringBuilder each = new StringBuilder();
        for (double x : ratios) {
            each.append(each.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", x));
        }
        System.out.printf(Locale.ROOT, "%nXOAUTH2 / password: %.2f  (target >= 0.90; rounds: %s)%n",
                RouterBenchmark.median(ratios), each);
        System.out.printf(Locale.ROOT, "token refreshes during the measured runs: %d by the background renewer, %d "
                + "on a sender's thread%n", OAuthFixture.RENEWER_REFRESHES.get() - renewerBefore,
                OAuthFixture.CALLER_REFRESHES.get() - callerBefore);
        gm.stop();
        System.exit(0);
    }

    private static double password(GreenMail gm, BenchAccount settings, Endpoint smtp, Endpoint imap, int n)
            throws Exception {
        gm.setUser(ADDRESS, ADDRESS, "bench-pass");
        CredentialVault vault = new CredentialVault() {
            @Override
            public Optional<MailAccount> open(String userId) {
                return Optional.of(new MailAccount(userId, ADDRESS, ADDRESS, Secret.of("bench-pass"), "Bench", smtp,
                        imap, null, false, true));
            }

            @Override
            public void recordPassedTest(String userId, AccountDraft draft, Verification verification) {}
        };
        return RouterBenchmark.router(n, settings, vault, null);
    }

    private static double oauth(GreenMail gm, BenchAccount settings, Endpoint smtp, Endpoint imap, int n,
            Duration life) throws Exception {
        AccessTokens[] tokens = new AccessTokens[1];
        return RouterBenchmark.router(n, settings, null, store -> {
            tokens[0] = OAuthFixture.tokens(store, store, "bench", life,
                    (user, token) -> gm.setUser(ADDRESS, ADDRESS, token));
            return new CredentialVault() {
                @Override
                public Optional<MailAccount> open(String userId) {
                    AccessTokens.Token t = tokens[0].current(userId, "bench");
                    return Optional.of(new MailAccount(userId, ADDRESS, ADDRESS, t.value(), "Bench", smtp, imap,
                            null, false, true, true, t.expiresAt()));
                }

                @Override
                public void rejected(String userId, Secret secret) {
                    tokens[0].rejected(userId, secret);
                }

                @Override
                public void recordPassedTest(String userId, AccountDraft draft, Verification verification) {}
            };
        });
    }
}
