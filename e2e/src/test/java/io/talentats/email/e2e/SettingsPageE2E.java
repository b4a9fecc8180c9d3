package io.talentats.email.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Email Connection Settings page in headless Chromium against the running sandbox: what a recruiter does with
 * it, click by click, as the product guide describes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SettingsPageE2E {

    private SandboxKaraf karaf;
    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeAll
    void start() throws Exception {
        karaf = SandboxKaraf.start("page");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("e2e.chromedriver", "/usr/bin/chromedriver")))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(System.getProperty("e2e.chromium", "/usr/bin/chromium"))
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--no-proxy-server", "--window-size=1280,1600");
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (karaf != null) {
            karaf.close();
        }
    }

    private void open(String user) {
        browser.get(karaf.base() + "/?user=" + user);
        try {
            wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("The page did not get ready: " + browser.getCurrentUrl() + "\n"
                    + browser.getPageSource(), e);
        }
    }

    private WebElement field(String id) {
        return browser.findElement(By.id(id));
    }

    private void type(String id, String text) {
        WebElement e = field(id);
        e.clear();
        e.sendKeys(text);
    }

    @Test
    void recruiterConnectsTestsSavesAndDisconnectsTheirMailbox() throws Exception {
        open("pat");
        assertThat(field("connection-state").getText()).isEqualTo("No email account connected.");
        assertThat(field("save").isEnabled()).as("Save before a test").isFalse();
        assertThat(field("disconnect").isDisplayed()).isFalse();

        // The address picks the provider and fills in its servers
        type("emailAddress", "pat@gmail.com");
        field("password").click();
        wait.until(d -> new Select(field("preset")).getFirstSelectedOption().getAttribute("value").equals("gmail"));
        assertThat(field("smtpHost").getAttribute("value")).isEqualTo("smtp.gmail.com");
        assertThat(field("smtpPort").getAttribute("value")).isEqualTo("465");
        assertThat(field("imapHost").getAttribute("value")).isEqualTo("imap.gmail.com");
        assertThat(field("preset-notes").getText()).contains("app");

        // The sandbox's own mailbox instead, typed in by hand; first with a wrong password
        new Select(field("preset")).selectByValue("");
        type("emailAddress", "recruiter@sandbox.test");
        type("displayName", "Pat Recruiter");
        type("smtpHost", "127.0.0.1");
        type("smtpPort", Integer.toString(karaf.smtpPort));
        new Select(field("smtpSecurity")).selectByValue("NONE");
        type("imapHost", "127.0.0.1");
        type("imapPort", Integer.toString(karaf.imapPort));
        new Select(field("imapSecurity")).selectByValue("NONE");
        type("password", "wrong-password");
        field("test").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "failed"));
        WebElement smtp = browser.findElement(By.cssSelector("#steps li[data-step=SMTP]"));
        assertThat(smtp.getAttribute("class")).isEqualTo("FAILED");
        assertThat(smtp.getText()).containsIgnoringCase("password");
        assertThat(smtp.findElements(By.cssSelector(".advice li"))).isNotEmpty();
        assertThat(field("save").isEnabled()).as("Save after a failed test").isFalse();
        assertAccessible("a failed test's report");

        // The right password: every step passes and Save opens up, but only for the values tested
        type("password", "sandbox");
        field("test").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Connection verified"));
        List<WebElement> steps = browser.findElements(By.cssSelector("#steps > li"));
        assertThat(steps).extracting(e -> e.getAttribute("class")).containsExactly("PASSED", "PASSED");
        assertThat(field("save").isEnabled()).isTrue();

        // The guide's "a test email may be sent to verify the connection": the round trip from the page
        field("roundTrip").click();
        field("test").click();
        wait.until(d -> d.findElements(By.cssSelector("#steps > li")).size() == 4);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Connection verified"));
        assertThat(browser.findElements(By.cssSelector("#steps > li"))).extracting(e -> e.getAttribute("class"))
                .containsExactly("PASSED", "PASSED", "PASSED", "PASSED");
        assertThat(browser.findElement(By.cssSelector("#steps li[data-step=ROUND_TRIP_RECEIVE]")).getText())
                .startsWith("Test email received: passed");
        field("roundTrip").click();
        type("smtpPort", "2525");
        assertThat(field("save").isEnabled()).as("Save after changing a tested value").isFalse();
        type("smtpPort", Integer.toString(karaf.smtpPort));
        assertThat(field("save").isEnabled()).isTrue();

        field("save").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Settings saved"));
        assertThat(field("password").getAttribute("value")).as("password never shown back").isEmpty();
        assertThat(field("password").getAttribute("placeholder")).contains("Saved");
        assertThat(field("connection-state").getText()).startsWith("Connected: recruiter@sandbox.test")
                .contains("last test passed").contains("connected without encryption").doesNotContain("NONE");
        assertThat(field("disconnect").isDisplayed()).isTrue();

        // A fresh visit shows the stored settings, and the password nowhere
        open("pat");
        assertThat(field("emailAddress").getAttribute("value")).isEqualTo("recruiter@sandbox.test");
        assertThat(field("displayName").getAttribute("value")).isEqualTo("Pat Recruiter");
        assertThat(field("smtpPort").getAttribute("value")).isEqualTo(Integer.toString(karaf.smtpPort));
        assertThat(field("password").getAttribute("value")).isEmpty();
        assertThat(browser.getPageSource()).doesNotContain("\"sandbox\"").doesNotContain("value=\"sandbox\"");

        field("disconnect").click();
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Disconnected"));
        assertThat(field("connection-state").getText()).isEqualTo("No email account connected.");
        assertThat(new Api(karaf.base()).get("/accounts/pat").status()).isEqualTo(404);
    }

    @Test
    void badValuesAreShownFieldByFieldAndNothingIsContacted() {
        open("quinn");
        type("emailAddress", "quinn-at-example");
        type("smtpHost", "smtp.example.com");
        type("smtpPort", "99999");
        new Select(field("smtpSecurity")).selectByValue("SSL_TLS");
        type("imapHost", "imap.example.com");
        type("imapPort", "993");
        type("password", "secret");
        field("test").click();
        wait.until(d -> field("field-errors").isDisplayed());
        assertThat(field("field-errors").getText()).contains("not an email address").contains("65535");
        assertThat(field("emailAddress").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(field("smtpPort").getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(field("report").isDisplayed()).isFalse();
        assertThat(field("save").isEnabled()).isFalse();
    }

    /**
     * "Sign in with Google" round trip in the browser: the button (offered once an operator configured a client),
     * the provider's page (a local authorization server that consents at once and checks PKCE), the callback, and
     * back on the page an account that signs in with OAuth and keeps no password. The Gmail servers cannot be
     * reached from here, so the test after the sign-in fails, and the page says so.
     */
    @Test
    void signInWithGoogleGoesToTheProviderAndBackToAnOAuthAccount() throws Exception {
        com.sun.net.httpserver.HttpServer provider = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        java.util.Map<String, String> challenges = new java.util.concurrent.ConcurrentHashMap<>();
        provider.createContext("/google/authorize", ex -> {
            java.util.Map<String, String> q = form(ex.getRequestURI().getRawQuery());
            String code = java.util.UUID.randomUUID().toString();
            challenges.put(code, q.get("code_challenge") + " " + q.get("nonce"));
            ex.getResponseHeaders().set("Location", q.get("redirect_uri") + "?code=" + code + "&state="
                    + java.net.URLEncoder.encode(q.get("state"), java.nio.charset.StandardCharsets.UTF_8));
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        provider.createContext("/google/token", ex -> {
            java.util.Map<String, String> q = form(new String(ex.getRequestBody().readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8));
            String[] expected = challenges.getOrDefault(q.get("code"), "- -").split(" ");
            String challenge = s256(String.valueOf(q.get("code_verifier")));
            String body;
            int status;
            if (challenge.equals(expected[0]) && "page-client".equals(q.get("client_id"))) {
                String claims = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"email\":"
                        + "\"sam@gmail.com\",\"aud\":\"page-client\",\"nonce\":\"" + expected[1] + "\"}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                body = "{\"access_token\":\"at-page\",\"refresh_token\":\"rt-page\",\"expires_in\":3600,"
                        + "\"id_token\":\"eyJhbGciOiJub25lIn0." + claims + ".\"}"; // {"alg":"none"}: a JWT
                status = 200;
            } else {
                body = "{\"error\":\"invalid_grant\"}";
                status = 400;
            }
            byte[] b = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        provider.start();
        try {
            String base = "http://127.0.0.1:" + provider.getAddress().getPort() + "/google";
            karaf.configure("io.talentats.email.oauth.client-google", java.util.Map.of(
                    "provider", "google", "client.id", "page-client", "client.secret", "page-secret",
                    "callback.base.url", "http://127.0.0.1:" + karaf.httpPort,
                    "authorization.url", base + "/authorize", "token.url", base + "/token"));
            Api api = new Api(karaf.base());
            karaf.await(Duration.ofSeconds(30), "the Google sign-in offered",
                    () -> api.get("/oauth/providers").raw().body().contains("google"));

            open("sam");
            new Select(field("preset")).selectByValue("gmail");
            WebElement button = wait.until(ExpectedConditions.elementToBeClickable(
                    By.cssSelector("#oauth-buttons button[data-provider=google]")));
            assertThat(button.getText()).isEqualTo("Sign in with Google");
            button.click();
            // Three navigations follow (provider, callback, page): wait for the last one to be loaded before
            // reading the page, or an element found in a document being left is read after it is gone.
            wait.until(ExpectedConditions.urlContains("/talentats-email/ui/index.html?user=sam&oauth="));
            wait.until(d -> "complete".equals(((org.openqa.selenium.JavascriptExecutor) d)
                    .executeScript("return document.readyState")));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Signed in"));
            assertThat(field("oauth-state").getText()).contains("Signed in with google as sam@gmail.com");
            assertThat(field("password-field").isDisplayed()).as("no password for an OAuth account").isFalse();
            Api.Response account = api.get("/accounts/sam");
            assertThat(account.raw().body()).contains("\"oauthProvider\":\"google\"").contains("\"presetId\":\"gmail\"")
                    .doesNotContain("at-page").doesNotContain("rt-page");
            assertThat(browser.getPageSource()).doesNotContain("at-page").doesNotContain("rt-page");
        } finally {
            provider.stop(0);
        }
    }

    /** Typing an address that no preset knows fills the servers from the provider's autoconfig and says so. */
    @Test
    void anUnknownDomainIsFilledInFromTheProvidersPublishedConfiguration() throws Exception {
        com.sun.net.httpserver.HttpServer mirror = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        mirror.createContext("/mail/config-v1.1.xml", ex -> {
            byte[] b = ("<?xml version=\"1.0\"?><clientConfig version=\"1.1\"><emailProvider id=\"acme\">"
                    + "<incomingServer type=\"imap\"><hostname>imap.acme.test</hostname><port>993</port>"
                    + "<socketType>SSL</socketType><username>%EMAILLOCALPART%</username></incomingServer>"
                    + "<outgoingServer type=\"smtp\"><hostname>smtp.acme.test</hostname><port>587</port>"
                    + "<socketType>STARTTLS</socketType><username>%EMAILLOCALPART%</username></outgoingServer>"
                    + "</emailProvider></clientConfig>").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        mirror.start();
        try {
            karaf.configure("io.talentats.email.discovery", java.util.Map.of(
                    "host.overrides", "autoconfig.acme.test=http://127.0.0.1:" + mirror.getAddress().getPort(),
                    "ispdb.url", "", "guess", "false", "source.timeout.ms", "1000"));
            Api api = new Api(karaf.base());
            karaf.await(Duration.ofSeconds(30), "discovery through the mirror",
                    () -> api.get("/discover?address=x@acme.test").raw().body().contains("smtp.acme.test"));
            open("kim");
            type("emailAddress", "kim@acme.test");
            field("password").click();
            wait.until(d -> "smtp.acme.test".equals(field("smtpHost").getAttribute("value")));
            assertThat(field("smtpPort").getAttribute("value")).isEqualTo("587");
            assertThat(new Select(field("smtpSecurity")).getFirstSelectedOption().getAttribute("value"))
                    .isEqualTo("STARTTLS");
            assertThat(field("imapHost").getAttribute("value")).isEqualTo("imap.acme.test");
            assertThat(field("username").getAttribute("value")).isEqualTo("kim");
            assertThat(field("discovered").getText()).contains("published configuration");
        } finally {
            mirror.stop(0);
        }
    }

    private static String s256(String verifier) {
        try {
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.security.MessageDigest
                    .getInstance("SHA-256").digest(verifier.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static java.util.Map<String, String> form(String raw) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(java.net.URLDecoder.decode(pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static final String HOST_SECRET = "e2e-host-application-secret-0123456789";

    /**
     * The page as a host ATS embeds it for one recruiter: a token in the fragment, the user fixed to theirs, their
     * messages newest first with words for every status, a message's timeline and the candidate's reply, the health
     * banner with the guide's advice when the mailbox stops working, and axe-core's accessibility rules throughout.
     */
    @Test
    void anEmbeddedRecruiterSeesTheirMessagesAndHearsWhenTheMailboxBreaks() throws Exception {
        Api operator = new Api(karaf.base());
        karaf.configure("io.talentats.email.web", java.util.Map.of("token.secret", HOST_SECRET));
        String token = Api.hostToken(HOST_SECRET, "ana", Duration.ofMinutes(30));
        Api ana = operator.bearer(token);
        karaf.await(Duration.ofSeconds(30), "host tokens taken", () -> ana.get("/me").status() == 200);
        String account = "{\"emailAddress\":\"recruiter@sandbox.test\",\"password\":\"sandbox\","
                + "\"displayName\":\"Ana Recruiter\",\"smtpHost\":\"127.0.0.1\",\"smtpPort\":" + karaf.smtpPort
                + ",\"smtpSecurity\":\"NONE\",\"imapHost\":\"127.0.0.1\",\"imapPort\":" + karaf.imapPort
                + ",\"imapSecurity\":\"NONE\"}";
        assertThat(ana.put("/accounts/ana", account).status()).isEqualTo(200);
        assertThat(ana.get("/accounts/pat").status()).as("another recruiter's account").isEqualTo(403);
        String subject = "Interview slots " + System.nanoTime();
        Api.Response sent = ana.post("/messages", "{\"senderUserId\":\"ana\",\"kind\":\"CUSTOM\","
                + "\"to\":[\"candidate@sandbox.test\"],\"subject\":\"" + subject + "\",\"textBody\":\"Hi Carl, "
                + "which slot suits you?\",\"threadId\":\"page-thread-ana\"}");
        assertThat(sent.status()).as("%s", sent).isEqualTo(202);
        String id = sent.object().get("messageId").getAsString();
        karaf.await(Duration.ofSeconds(30), "sent",
                () -> "SENT".equals(ana.get("/messages/" + id).object().get("status").getAsString()));
        new CandidateMail(karaf).reply(subject, "Tuesday at 10 works for me.\n\nOn Monday Ana wrote:\n> which slot?");
        karaf.await(Duration.ofSeconds(60), "the reply collected", () -> ana.get("/threads/page-thread-ana/messages")
                .object().get("total").getAsInt() == 2);

        try {
            embedded(token, ana, operator, account, subject);
        } finally {
            // The token is the tab's: the other tests are operators again
            ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
            ana.delete("/accounts/ana");
        }
    }

    private void embedded(String token, Api ana, Api operator, String account, String subject) throws Exception {
        browser.get(karaf.base() + "/ui/index.html#token=" + token);
        wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
        assertThat(browser.getCurrentUrl()).as("the token leaves the address bar").doesNotContain("token");
        assertThat(field("user-field").isDisplayed()).as("a recruiter does not choose the user").isFalse();
        assertThat(field("connection-state").getText()).startsWith("Connected: recruiter@sandbox.test");
        wait.until(d -> d.findElements(By.cssSelector("#message-list tbody tr")).size() >= 2);
        List<WebElement> rows = browser.findElements(By.cssSelector("#message-list tbody tr"));
        assertThat(rows.get(0).getText()).contains("From candidate@sandbox.test").contains("Re: " + subject)
                .contains("Reply received");
        assertThat(rows.get(1).getText()).contains("To candidate@sandbox.test").contains(subject).contains("Sent")
                .doesNotContain("SENT");
        rows.get(0).findElement(By.tagName("button")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("detail")));
        assertThat(field("detail-reply-text").getText()).isEqualTo("Tuesday at 10 works for me.");
        assertThat(field("timeline").getText()).contains("Reply received");
        assertAccessible("messages and a reply open");

        // The mailbox stops taking the stored password: the collector's next login says so, the banner too
        assertThat(operator.put("/accounts/ana", account.replace("\"password\":\"sandbox\"",
                "\"password\":\"changed-elsewhere\"")).status()).isEqualTo(200);
        karaf.await(Duration.ofSeconds(60), "the account marked failing", () -> "AUTHENTICATION_FAILING".equals(
                ana.get("/accounts/ana").object().getAsJsonObject("health").get("state").getAsString()));
        browser.get(karaf.base() + "/ui/index.html");
        wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
        assertThat(field("health").isDisplayed()).as("token kept for the tab").isTrue();
        assertThat(field("health-what").getText()).contains("no longer accepts the saved password");
        assertThat(field("health-advice").getText()).contains("app-specific password");
        assertAccessible("the health banner");
        field("health-test").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "still fail"));
        // Fixed: test and save with the right password from the page; the banner goes
        type("password", "sandbox");
        field("test").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Connection verified"));
        field("save").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Settings saved"));
        wait.until(d -> !field("health").isDisplayed());
        assertThat(ana.get("/accounts/ana").object().getAsJsonObject("health").get("state").getAsString())
                .isEqualTo("HEALTHY");
    }

    /** axe-core in the page as it is now: no serious or critical violation. */
    private void assertAccessible(String state) throws Exception {
        org.openqa.selenium.JavascriptExecutor js = (org.openqa.selenium.JavascriptExecutor) browser;
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        js.executeScript(java.nio.file.Files.readString(java.nio.file.Path.of(System.getProperty("e2e.axe",
                "target/axe/node_modules/axe-core/axe.min.js"))));
        Object out = js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "axe.run(document, {resultTypes: ['violations']}).then(r => done(JSON.stringify(r.violations"
                + ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                + ".map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' '))"
                + ".join(', '))))).catch(e => done('axe failed: ' + e));");
        assertThat(String.valueOf(out)).as("axe-core on %s", state).isEqualTo("[]");
    }
}
