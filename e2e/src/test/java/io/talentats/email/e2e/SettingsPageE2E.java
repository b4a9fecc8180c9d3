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
}
