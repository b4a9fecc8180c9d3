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
    void recruiterConnectsTestsSavesAndDisconnectsTheirMailbox() {
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
                .contains("last test passed");
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
                        + "\"id_token\":\"e30." + claims + ".\"}";
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
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Signed in"));
            assertThat(browser.getCurrentUrl()).contains("/talentats-email/ui/index.html?user=sam&oauth=");
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
}
